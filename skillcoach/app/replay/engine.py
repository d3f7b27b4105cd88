"""Replay a recorded session: reproduce it exactly, or fork it with another model or prompts.

A replay never touches the original: it rebuilds the learner's state from the
attempt log in a scratch database, then re-runs the session turn by turn with the
recorded learner inputs, the recorded clock and the recorded model outputs.
A fork re-runs turns before N the same way, then goes on with the new model or
prompt directory, feeding the learner's recorded answers.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from skillcoach.app.api import Coach, CoachSession
from skillcoach.app.replay.recorded_model import recorded_models
from skillcoach.curriculum.catalog import Curriculum
from skillcoach.errors import SkillcoachError
from skillcoach.grading.answers import Grade, Verdict
from skillcoach.llm.prompts import PromptError, load_all
from skillcoach.protocol import Error
from skillcoach.settings import Settings
from skillcoach.storage.models import CoachingSession, Turn
from skillcoach.storage.store import Store, as_utc
from skillcoach.tracing.tracer import Tracer

COMPARED = ("route", "verdict", "score", "mastery", "feedback")


class ReplayError(SkillcoachError, ValueError):
    """The session cannot be replayed as asked; the message says why."""


@dataclass(frozen=True)
class Outcome:
    """What one turn came to, in the terms a replay compares."""

    turn: int
    learner_input: dict[str, Any]
    route: tuple[str, ...]
    verdict: str | None = None
    score: float | None = None
    mastery: float | None = None
    feedback: str | None = None

    @classmethod
    def of(cls, turn: Turn) -> Outcome:
        """Take a recorded turn's outcome: its input, route and grade."""
        grade = turn.record.get("grade") or {}
        return cls(turn.number, dict(turn.learner_input or {}), tuple(turn.record.get("route") or ()),
                   grade.get("verdict"), grade.get("score"), grade.get("mastery"), grade.get("text"))


@dataclass
class ReplayResult:
    """A replayed session beside its original, turn by turn, with notices about what could not be reproduced."""

    session_id: str
    replay_session_id: str
    original: list[Outcome]
    replayed: list[Outcome]
    notices: list[str] = field(default_factory=list)

    def differences(self) -> list[tuple[int, str, Any, Any]]:
        """Return each (turn, field, original, replayed) where the replay came out differently."""
        by_turn = {o.turn: o for o in self.replayed}
        found = []
        for orig in self.original:
            new = by_turn.get(orig.turn)
            for name in COMPARED:
                before, after = getattr(orig, name), getattr(new, name) if new else "(no turn)"
                if before != after:
                    found.append((orig.turn, name, before, after))
        return found

    @property
    def identical(self) -> bool:
        """Tell whether the replay reproduced every compared field of every turn."""
        return not self.differences()


class ReplayClock:
    """The clock of the original session, moved turn by turn."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        """Return the replayed turn's time."""
        return self.now


def load_turns(store: Store, session_id: str) -> tuple[CoachingSession, list[Turn]]:
    """The session and its turns, checked to be complete and well-formed."""
    session = store.get_session(session_id)
    if session is None:
        raise ReplayError(f"unknown session {session_id!r} (see 'skillcoach replay list')")
    turns = store.turns(session_id)
    if turns and (turns[-1].record or {}).get("pending"):
        turns = turns[:-1]  # cut off by a crash and not resumed yet: nothing of it reached the learner
    if not turns:
        raise ReplayError(f"session {session_id} has no recorded turns")
    for expected, turn in enumerate(turns):
        if turn.number != expected:
            raise ReplayError(f"session {session_id}: the record of turn {expected} is missing")
        problem = _record_problem(turn)
        if problem:
            raise ReplayError(f"session {session_id}: the record of turn {turn.number} is corrupt ({problem})")
    return session, turns


def _record_problem(turn: Turn) -> str | None:
    record, given = turn.record, turn.learner_input
    if not isinstance(record, dict) or not isinstance(record.get("route"), list):
        return "no route"
    if not isinstance(record.get("llm", []), list) or not isinstance(record.get("tools", []), list):
        return "bad tool or model records"
    if turn.number > 0 and not (isinstance(given, dict) and {"answer", "ask", "command"} & set(given)):
        return "no learner input"
    return None


def _started(turn: Turn) -> datetime:
    stamp = turn.record.get("started_at")
    return as_utc(datetime.fromisoformat(stamp)) if isinstance(stamp, str) else as_utc(turn.created_at)


def check_prompts_dir(directory: Path, reference: Path) -> None:
    """Check that a replacement prompt directory has every prompt the reference has; ReplayError if not."""
    try:
        have = set(load_all(directory))
    except PromptError as exc:
        raise ReplayError(str(exc)) from None
    missing = sorted(set(load_all(reference)) - have)
    if missing:
        raise ReplayError(f"prompt directory {directory} lacks: {', '.join(missing)}")


def seed_history(scratch: Store, source: Store, curriculum: Curriculum, session: CoachingSession) -> list[str]:
    """Rebuild the learner's state at the session's start from the attempt log; returns notices."""
    learner = source.get_learner(session.learner_id)
    scratch.ensure_learner(session.learner_id)
    if learner is not None:
        with scratch.transaction() as db:
            row = db.merge(learner)
            db.add(row)
    notices, sessions = [], set()
    for attempt in source.attempts(learner_id=session.learner_id):
        if as_utc(attempt.created_at) >= as_utc(session.started_at) or attempt.session_id == session.id:
            continue
        item = curriculum.items.get(attempt.item_id)
        if item is None:
            notices.append(f"earlier answer to {attempt.item_id} skipped: the item is no longer in the curriculum")
            continue
        if attempt.session_id not in sessions:
            scratch.open_session(session.learner_id, 0, session_id=attempt.session_id, status="finished",
                                 started_at=as_utc(attempt.created_at))
            sessions.add(attempt.session_id)
        grade = Grade(Verdict(attempt.verdict), attempt.score, "", "", attempt.grader)
        scratch.record_attempt(session_id=attempt.session_id, turn=attempt.turn, learner_id=session.learner_id,
                               objective_id=attempt.objective_id, item=item, response=attempt.response,
                               grade=grade, review_mode=attempt.mode == "review", now=as_utc(attempt.created_at))
    return notices


@contextmanager
def _scratch_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="skillcoach-replay-") as tmp:
        yield Path(tmp)


def replay_session(settings: Settings, session_id: str, *, from_turn: int | None = None, model: str | None = None,
                   prompts_dir: Path | None = None, tracer: Tracer | None = None,
                   fork_models: dict[str, Any] | None = None) -> ReplayResult:
    """Re-run a session; with ``from_turn``, fork there with ``model`` and/or ``prompts_dir``.

    ``fork_models`` (agent -> chat model) overrides ``model`` for the fork, as tests do.
    """
    source = Store(settings.resolved_database_url)
    session, turns = load_turns(source, session_id)
    if from_turn is not None and not 1 <= from_turn < len(turns):
        raise ReplayError(f"turn {from_turn} is out of range: session {session_id} has turns 0-{len(turns) - 1}")
    if prompts_dir is not None:
        check_prompts_dir(prompts_dir, settings.prompts_dir)
    split = from_turn if from_turn is not None else len(turns)
    with _scratch_dir() as scratch_dir:
        base = settings.model_copy(update={"data_dir": scratch_dir, "database_url": None, "checkpoint_url": None})
        run = _Runner(base, session, turns, tracer)
        run.seed(source)
        run.phase(turns[:split], models=recorded_models([t.record for t in turns]))
        if split < len(turns):
            forked = base.model_copy(update={"model": model or settings.model,
                                             "prompts_dir": prompts_dir or settings.prompts_dir})
            run.settings = forked
            run.phase(turns[split:], models=fork_models)
        return ReplayResult(session_id, run.replay_id, [Outcome.of(t) for t in turns],
                            [Outcome.of(t) for t in run.replayed_turns()], run.notices)


class _Runner:
    """Drives the replayed session through one or more Coach instances on the scratch store."""

    def __init__(self, settings: Settings, session: CoachingSession, turns: list[Turn], tracer: Tracer | None):
        self.settings, self.session, self.turns, self.tracer = settings, session, turns, tracer
        self.clock = ReplayClock(_started(turns[0]))
        self.replay_id = ""
        self.notices: list[str] = []
        self.seconds: dict[int, float] = {}  # wall time of each replayed turn, by turn number
        self._models: dict[str, Any] | None = None

    def seed(self, source: Store) -> None:
        with self._coach(models={}) as coach:
            self.notices += seed_history(coach.store, source, coach.curriculum, self.session)

    def phase(self, turns: list[Turn], models: dict[str, Any] | None) -> None:
        with self._coach(models) as coach:
            live = self._open(coach)
            for turn in turns:
                self.clock.now = _started(turn)
                if turn.number == 0:
                    live.chosen = (turn.learner_input or {}).get("chosen")  # "start this block" sessions
                    live.start()
                    continue
                if live.finished:
                    self.notices.append(f"turn {turn.number}: the replayed session had already ended")
                    break
                started = time.perf_counter()
                events = live.send(turn.learner_input)
                self.seconds[turn.number] = time.perf_counter() - started
                for ev in events:
                    if isinstance(ev, Error):
                        self.notices.append(f"turn {turn.number}: input {turn.learner_input} refused: {ev.text}")
            self.replay_id = live.id
            self._store = coach.store

    def _coach(self, models: dict[str, Any] | None) -> Coach:
        kwargs: dict[str, Any] = {"clock": self.clock}
        if models is not None:
            kwargs["models"] = models
        if self.tracer is not None:
            kwargs["tracer"] = self.tracer
        return Coach(self.settings, **kwargs)

    def _open(self, coach: Coach) -> CoachSession:
        if self.replay_id:
            live = coach.session(self.session.learner_id)
            live.start()  # picks up where the previous phase stopped
        else:
            live = coach.session(self.session.learner_id, self.session.minutes, new=True)
        live.trace_mode = "replay"
        live.trace_metadata = {"replay_of": self.session.id}
        return live

    def replayed_turns(self) -> list[Turn]:
        return self._store.turns(self.replay_id)


def replay_many(settings: Settings, since: datetime, runner: Callable[[str], ReplayResult]) -> list[ReplayResult]:
    """Replay every interactive session started since ``since`` with ``runner``, in the order they started."""
    store = Store(settings.resolved_database_url)
    ids = [s.id for s in store.list_sessions() if as_utc(s.started_at) >= since and s.mode == "interactive"]
    return [runner(sid) for sid in ids]
