"""``replay experiment``: run the coach over a Langfuse dataset of recorded turns, as a Langfuse experiment.

Each item names a recorded turn (session, turn). The replay engine rebuilds the session up to the
turn before it with the recorded model outputs (exactly as recorded), then runs that one turn with
the model and prompts under test and compares it with the item's expected output. The SDK's
``run_experiment`` records the run: one trace per item (the coach's turn nested inside), and the
scores grade agreement, route agreement, mastery delta, tokens and latency on each.
"""

from __future__ import annotations

import shutil
import statistics
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.chat_models import make_chat_model
from skillcoach.app.replay.engine import Outcome, ReplayError, _Runner, _scratch_dir, check_prompts_dir, load_turns
from skillcoach.app.replay.recorded_model import recorded_models
from skillcoach.llm.langfuse_api import LangfuseAPIError, LangfuseNotFound, call, check_access
from skillcoach.settings import Settings
from skillcoach.storage.store import Store
from skillcoach.tracing.tracer import NullTracer
from skillcoach.tracing.turn_spans import TurnSpans

SCORES = ("grade_agreement", "route_agreement", "mastery_delta", "tokens", "latency_ms")


@dataclass(frozen=True)
class TurnRun:
    """One recorded turn run again with the model and prompts under test."""

    outcome: Outcome
    tokens: int
    seconds: float

    def as_output(self) -> dict[str, Any]:
        """The item's output in the shape of the dataset's expected output, plus cost."""
        o = self.outcome
        grade = {"verdict": o.verdict, "score": o.score, "mastery": o.mastery} if o.verdict else None
        return {"route": list(o.route), "grade": grade, "feedback": o.feedback, "tokens": self.tokens,
                "latency_ms": round(self.seconds * 1000, 1)}


class SessionCursor:
    """One recorded session replayed as recorded, up to the turn an item asks for, in a scratch directory.

    Items of one session are run in turn order: the cursor replays only the turns between the last
    item and the next (not the whole prefix again), copies its scratch databases, and runs the
    item's turn in the copy with the model and prompts under test.
    """

    def __init__(self, settings: Settings, session_id: str, workdir: Path):
        source = Store(settings.resolved_database_url)
        self.session, self.turns = load_turns(source, session_id)
        self.workdir = workdir
        self.base = settings.model_copy(update={"data_dir": workdir / "recorded", "database_url": None,
                                                "checkpoint_url": None})
        self.runner = _Runner(self.base, self.session, self.turns, NullTracer())
        self.runner.seed(source)
        self.position = 0  # the turns before this one are replayed

    def can_reach(self, number: int) -> bool:
        """Whether turn ``number`` is still ahead of (or at) the replay."""
        return number >= self.position

    def run(self, number: int, *, tracer: Any = None, model: str | None = None, prompts_dir: Path | None = None,
            models: dict[str, Any] | None = None) -> TurnRun:
        """Turn ``number`` run again with ``model``/``prompts_dir`` (or ``models``), on the recorded state."""
        if not 1 <= number < len(self.turns):
            raise ReplayError(f"session {self.session.id} has no learner turn {number}")
        if not self.can_reach(number):
            raise ReplayError(f"session {self.session.id}: turn {number} is behind the replay")
        recorded = self.turns[self.position:number]
        self.runner.phase(recorded, models=recorded_models([t.record for t in recorded]))
        self.position = number
        fork_dir = self.workdir / f"turn-{number}"
        shutil.copytree(self.base.data_dir, fork_dir, dirs_exist_ok=True)
        try:
            fork = _Runner(self.base.model_copy(update={"data_dir": fork_dir, "model": model or self.base.model,
                                                        "prompts_dir": prompts_dir or self.base.prompts_dir}),
                           self.session, self.turns, tracer)
            fork.replay_id = self.runner.replay_id
            fork.phase([self.turns[number]], models=models)
            replayed = {t.number: t for t in fork.replayed_turns()}
        finally:
            shutil.rmtree(fork_dir, ignore_errors=True)
        if number not in replayed:
            raise ReplayError(f"session {self.session.id}: turn {number} did not run ({'; '.join(fork.notices)})")
        return TurnRun(Outcome.of(replayed[number]), replayed[number].tokens, fork.seconds.get(number, 0.0))


def rerun_turn(settings: Settings, session_id: str, number: int, *, tracer: Any = None, model: str | None = None,
               prompts_dir: Path | None = None, models: dict[str, Any] | None = None) -> TurnRun:
    """Replay ``session_id`` exactly up to turn ``number``, then run that turn with ``model``/``prompts_dir``."""
    with _scratch_dir() as workdir:
        return SessionCursor(settings, session_id, workdir).run(number, tracer=tracer, model=model,
                                                                prompts_dir=prompts_dir, models=models)


class Cursors:
    """A cursor per session, made again when an item is behind it; scratch space removed on close."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._stack = ExitStack()
        self._cursors: dict[str, SessionCursor] = {}

    def at(self, session_id: str, number: int) -> SessionCursor:
        """A cursor of ``session_id`` that can still reach turn ``number``."""
        cursor = self._cursors.get(session_id)
        if cursor is None or not cursor.can_reach(number):
            workdir = Path(self._stack.enter_context(_scratch_dir()))
            cursor = self._cursors[session_id] = SessionCursor(self.settings, session_id, workdir)
        return cursor

    def close(self) -> None:
        """Drop the cursors and their scratch directories."""
        self._cursors.clear()
        self._stack.close()


class NestedTracer:
    """The coach's tracer for an experiment turn: its spans join the experiment item's trace.

    The SDK's experiment opens a span per item; the coach's turn normally makes a trace of its own
    (a deterministic id per turn), so here its spans nest under the current span instead.
    Turn scores are left to the experiment's evaluators.
    """

    def __init__(self, inner: Any, *, langfuse_prompts: bool):
        self.inner = inner
        # With --prompts DIR the local files are under test: no Langfuse prompt fetch by label.
        self.client = inner.client if langfuse_prompts else None

    def trace_id(self, session_id: str, turn: int) -> str:
        """The inner tracer's turn trace id (what the scratch database stores)."""
        return str(self.inner.trace_id(session_id, turn))

    def config(self, base: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """The inner tracer's run config, its handlers attached to the current span instead of a trace of their own."""
        config: dict[str, Any] = self.inner.config(base, **kwargs)
        for handler in config.get("callbacks") or []:
            if isinstance(handler, TurnSpans):
                handler.nest()
        return config

    def after_turn(self, trace_id: str, events: list[dict[str, Any]], *, finished: bool,
                   session_id: str | None = None) -> None:
        """Nothing: the experiment's evaluators score the turn."""
        return None

    def trace_url(self, trace_id: str) -> str | None:
        """None: the experiment prints its own URL."""
        return None

    def shutdown(self) -> None:
        """Nothing: the experiment flushes once at its end."""
        return None

    def __getattr__(self, name: str) -> Any:  # anything else the coach asks of its tracer
        return getattr(self.inner, name)


def evaluations(output: Any, expected: Any) -> list[tuple[str, float, str]]:
    """(score name, value, comment) for one item; a score that does not apply is left out."""
    if not isinstance(output, dict) or "route" not in output or not isinstance(expected, dict):
        return []
    found = [("route_agreement", float(output["route"] == expected.get("route")),
              f"{' > '.join(expected.get('route') or [])} vs {' > '.join(output['route'])}"),
             ("tokens", float(output.get("tokens", 0)), ""),
             ("latency_ms", float(output.get("latency_ms", 0.0)), "")]
    got, want = output.get("grade") or {}, expected.get("grade") or {}
    if got or want:
        found.append(("grade_agreement", float(got.get("verdict") == want.get("verdict")),
                      f"expected {want.get('verdict')}, got {got.get('verdict')}"))
    if got.get("mastery") is not None and want.get("mastery") is not None:
        found.append(("mastery_delta", round(float(got["mastery"]) - float(want["mastery"]), 4),
                      f"{want['mastery']} -> {got['mastery']}"))
    return found


@dataclass
class ExperimentSummary:
    """What ``replay experiment`` prints: per score, the mean over the items it applied to."""

    dataset: str
    run_name: str
    items: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    scores: dict[str, list[float]] = field(default_factory=dict)
    url: str | None = None

    def means(self) -> dict[str, tuple[float, int]]:
        """Score name -> (mean, number of items), in the order of ``SCORES``."""
        return {name: (statistics.fmean(values), len(values)) for name in SCORES
                if (values := self.scores.get(name))}


def run_experiment(settings: Settings, tracer: Any, dataset: str, *, model: str | None = None,
                   prompts_dir: Path | None = None, models: dict[str, Any] | None = None,
                   run_name: str | None = None) -> ExperimentSummary:
    """Run every item of ``dataset`` through the coach and record a Langfuse experiment run."""
    from langfuse import Evaluation

    client, host = tracer.client, tracer.base_url
    check_access(client.api, host)
    if prompts_dir is not None:
        check_prompts_dir(prompts_dir, settings.prompts_dir)
    if model is not None and models is None:  # a bad spec is one line now, not an error per item
        make_chat_model(model, settings.model_copy(update={"model": model}))
    try:
        items = call(host, f"loading dataset {dataset!r}", lambda: client.get_dataset(dataset).items,
                     missing_ok=True)
    except LangfuseNotFound:
        raise LangfuseAPIError(f"Langfuse has no dataset {dataset!r} (create it with 'skillcoach replay export')"
                               ) from None
    label = model or settings.model
    summary = ExperimentSummary(dataset, run_name or "")
    nested = NestedTracer(tracer, langfuse_prompts=prompts_dir is None)

    cursors = Cursors(settings)

    def task(*, item: Any, **_: Any) -> dict[str, Any]:
        session_id, number = _turn_of(item)
        try:
            run = cursors.at(session_id, number).run(number, tracer=nested, model=model, prompts_dir=prompts_dir,
                                                     models=models)
        except ReplayError as exc:
            summary.skipped.append((item.id, str(exc)))
            return {"skipped": str(exc)}
        except Exception as exc:  # noqa: BLE001 - listed for the user; the SDK would only log it
            why = f"{type(exc).__name__}: {exc}"
            summary.skipped.append((item.id, why))
            return {"skipped": why}
        summary.items += 1
        return run.as_output()

    def evaluator(*, output: Any, expected_output: Any, **_: Any) -> list[Any]:
        found = evaluations(output, expected_output)
        for name, value, _comment in found:
            summary.scores.setdefault(name, []).append(value)
        return [Evaluation(name=name, value=value, comment=comment or None) for name, value, comment in found]

    def averages(*, item_results: Any, **_: Any) -> list[Any]:
        return [Evaluation(name=f"{name}_mean", value=round(mean, 4), comment=f"over {count} item(s)")
                for name, (mean, count) in summary.means().items()]

    description = f"model {label}; prompts {prompts_dir or 'production label'}"
    try:
        # In (session, turn) order, so each session is replayed once, forward.
        result = client.run_experiment(name=f"skillcoach {dataset}", run_name=run_name, description=description,
                                       data=sorted(items, key=_turn_of), task=task, evaluators=[evaluator],
                                       run_evaluators=[averages], max_concurrency=1,
                                       metadata={"model": label, "prompts": str(prompts_dir or "")})
    finally:
        cursors.close()
    summary.run_name, summary.url = result.run_name, result.experiment_url
    return summary


def _turn_of(item: Any) -> tuple[str, int]:
    """The (session id, turn) a dataset item was exported from; ("", 0) when it was not."""
    meta = item.metadata if isinstance(item.metadata, dict) else {}
    try:
        return str(meta.get("session_id") or ""), int(meta.get("turn") or 0)
    except (TypeError, ValueError):
        return "", 0
