"""``skillcoach replay list|show|run``: walk a recorded session, reproduce it, fork it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import replay_app, settings
from skillcoach.app.cli.errors import UserError


# rich, markdown and the event models load when a replay command runs, not for every --help.
@cache
def _console() -> Any:
    from skillcoach.app.cli.render import make_console

    return make_console()


def plain(text: str, style: str = "") -> Any:
    """``render.plain``, imported on first use."""
    from skillcoach.app.cli.render import plain as render_plain

    return render_plain(text, style)


def _table(*args: Any, **kwargs: Any) -> Any:
    """A rich ``Table`` (rich loads on first use)."""
    from rich.table import Table

    return Table(*args, **kwargs)


@replay_app.command("list")
def list_sessions(
    learner: Annotated[str | None, typer.Option("--learner", "-l", help="Only this learner's sessions.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Sessions with their turns, outcomes and trace ids."""
    from skillcoach.app.replay.view import session_rows
    from skillcoach.storage.store import Store

    store = Store(settings().resolved_database_url)
    if learner is not None and store.get_learner(learner) is None:
        from skillcoach.storage.learners import UnknownLearner

        raise UnknownLearner(learner)
    rows = session_rows(store, learner)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    # Fits 80 columns: the full session id (it is what 'replay show' takes), the rest compact.
    table = _table(title="Sessions", box=None, header_style="bold", pad_edge=False, title_justify="left")
    table.add_column("session", no_wrap=True, min_width=32)
    table.add_column("learner", max_width=12, overflow="ellipsis", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("started", no_wrap=True)
    table.add_column("turns", justify="right", no_wrap=True)
    table.add_column("right", justify="right", no_wrap=True)
    for r in rows:
        table.add_row(r["session_id"], plain(r["learner_id"]), r["status"], r["started_at"][5:16].replace("T", " "),
                      str(r["turns"]), f"{r['correct']}/{r['answers']}")
    _console().print(table)


@replay_app.command("show")
def show(
    session_id: Annotated[str | None, typer.Argument(metavar="SESSION", help="Session id.")] = None,
    turn: Annotated[int | None, typer.Option(help="Only this turn.")] = None,
    trace: Annotated[str | None, typer.Option(help="Load this trace from Langfuse instead.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The path of a session step by step: nodes, tools, grade, mastery, route, trace URL."""
    if trace:
        _show_trace(trace, as_json)
        return
    if not session_id:
        raise UserError("give a SESSION id (see 'skillcoach replay list') or --trace TRACE_ID")
    from skillcoach.app.api import Coach
    from skillcoach.app.replay.view import session_view

    with Coach(settings()) as coach:
        view = session_view(coach, session_id, turn)
    if as_json:
        typer.echo(json.dumps(view, indent=2, default=str))
        return
    for t in view["turns"]:
        _print_turn(t)


def _print_turn(t: dict[str, Any]) -> None:
    """One turn; recorded text (learner input, tool and model output) is printed as plain text."""
    _console().rule(plain(f"turn {t['turn']}  trace {t['trace_id']}"))
    if t["trace_url"]:
        _console().print(plain(t["trace_url"], "dim"))
    _console().print(plain(f"input: {t['input'] or '(session start)'}"))
    _console().print(plain("route: " + " -> ".join(t["route"])))
    for call in t["tools"]:
        _console().print(plain(f"  tool {call['tool']}({call['input']}) -> {call['output']}"))
    for call in t["llm"]:
        _console().print(plain(f"  llm {call['agent']} ({call['model']}, {call['tokens']} tokens) -> {call['output']}"))
    if t["grade"]:
        g = t["grade"]
        _console().print(plain(f"grade: {g['verdict']} ({g['score']}) on {g['item_id']}; mastery "
                            f"{g.get('mastery_before')} -> {g['mastery']}"))
    _console().print(plain(f"{len(t['checkpoints'])} checkpoint(s)", "dim"))


def _show_trace(trace_id: str, as_json: bool) -> None:
    from skillcoach.tracing.langfuse_tracer import LangfuseTracer, fetch_observations, observation_tree

    conf = settings()
    if not conf.tracing_enabled:
        raise UserError("--trace needs Langfuse: set LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY and LANGFUSE_BASE_URL")
    tracer = LangfuseTracer(conf)
    try:
        observations = fetch_observations(tracer.client, trace_id)
    except Exception as exc:  # noqa: BLE001 - the API client raises many kinds
        raise UserError(f"cannot load trace {trace_id} from Langfuse: {exc}") from None
    finally:
        tracer.shutdown()
    if not observations:
        raise UserError(f"Langfuse has no observations for trace {trace_id}")
    if as_json:
        typer.echo(json.dumps(observations, indent=2, default=str))
        return
    for line in observation_tree(observations):
        _console().print(plain(line))


@replay_app.command("run")
def run(
    session_id: Annotated[str | None, typer.Argument(metavar="SESSION", help="Session id.")] = None,
    from_turn: Annotated[int | None, typer.Option(help="Fork at this turn with --model/--prompts.")] = None,
    model: Annotated[str | None, typer.Option(help="Model for the fork, provider:model.")] = None,
    prompts: Annotated[Path | None, typer.Option(help="Prompt directory for the fork.")] = None,
    all_sessions: Annotated[bool, typer.Option("--all", help="Every session since --since.")] = False,
    since: Annotated[str | None, typer.Option(help="With --all: sessions started on or after this date.")] = None,
) -> None:
    """Re-run a session and compare; exit 0 when identical, 1 with the differences."""
    from skillcoach.app.replay.engine import replay_many, replay_session

    conf = settings()
    if (model or prompts) and from_turn is None:
        from_turn = 1

    def one(sid: str) -> Any:
        return replay_session(conf, sid, from_turn=from_turn, model=model, prompts_dir=prompts)

    if all_sessions:
        skipped: list[tuple[str, str]] = []
        results = [r for r in replay_many(conf, _since(since), lambda sid: _or_skip(one, sid, skipped)) if r]
        _summary_table(results)
        for sid, why in skipped:
            _console().print(plain(f"not replayed: {sid}: {why}", "yellow"))
        raise typer.Exit(0 if all(r.identical for r in results) and not skipped else 1)
    if not session_id:
        raise UserError("give a SESSION id, or --all --since DATE")
    result = one(session_id)
    _print_result(result)
    raise typer.Exit(0 if result.identical else 1)


def _or_skip(one: Any, session_id: str, skipped: list[tuple[str, str]]) -> Any:
    """Replay one session of many; a session that cannot be replayed is noted and the run goes on."""
    from skillcoach.app.replay.engine import ReplayError

    try:
        return one(session_id)
    except ReplayError as exc:
        skipped.append((session_id, str(exc)))
        return None


def _since(text: str | None) -> datetime:
    if not text:
        raise UserError("give --since DATE (YYYY-MM-DD)")
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise UserError(f"--since {text!r}: use a date like 2026-11-01") from None


def _print_result(result: Any) -> None:
    for notice in result.notices:
        _console().print(plain(notice, "yellow"))
    diffs = result.differences()
    if not diffs:
        _console().print(f"identical: {len(result.original)} turns reproduced (routes, grades, mastery, feedback)")
        return
    table = _table(title=f"{len(diffs)} difference(s): original vs replay")
    for col in ("turn", "field", "original", "replay"):
        table.add_column(col)
    for turn, name, before, after in diffs:
        table.add_row(str(turn), name, plain(_cell(before)), plain(_cell(after)))
    _console().print(table)


def _cell(value: Any) -> str:
    text = " -> ".join(value) if isinstance(value, tuple) else str(value)
    return text if len(text) <= 70 else text[:69] + "…"


def _summary_table(results: list[Any]) -> None:
    table = _table(title="Replay summary")
    for col in ("session", "turns", "identical", "grades changed", "routes changed", "mastery changed"):
        table.add_column(col)
    for r in results:
        diffs = r.differences()
        count = {name: sum(1 for d in diffs if d[1] == name) for name in ("verdict", "route", "mastery")}
        table.add_row(r.session_id, str(len(r.original)), "yes" if r.identical else "no", str(count["verdict"]),
                      str(count["route"]), str(count["mastery"]))
    _console().print(table)


@replay_app.command("export")
def export(
    since: Annotated[str | None, typer.Option(help="Turns of sessions started on or after this date.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Langfuse dataset to create or update.")] = None,
) -> None:
    """Recorded turns (masked) to a Langfuse dataset: learner input and state in, grade/route/feedback expected."""
    from skillcoach.app.replay.datasets import export_dataset
    from skillcoach.llm.langfuse_api import LangfuseAPIError, base_url, make_api

    if not dataset:
        raise UserError("give --dataset NAME: the Langfuse dataset to fill")
    conf = settings()
    try:
        result = export_dataset(conf, make_api(conf), base_url(conf), _since(since), dataset)
    except LangfuseAPIError as exc:
        raise UserError(str(exc)) from None
    for sid, why in result.skipped:
        _console().print(plain(f"not exported: {sid}: {why}", "yellow"))
    typer.echo(f"dataset {dataset}: {result.items} item(s) from {result.sessions} session(s)")


@replay_app.command("experiment")
def experiment(
    dataset: Annotated[str | None, typer.Option(help="Langfuse dataset made by 'replay export'.")] = None,
    model: Annotated[str | None, typer.Option(help="Model under test, provider:model (default: the configured one).")]
    = None,
    prompts: Annotated[Path | None, typer.Option(help="Prompt directory under test (default: Langfuse's).")] = None,
    run_name: Annotated[str | None, typer.Option(help="Experiment run name (default: dataset and time).")] = None,
) -> None:
    """Run the coach over a dataset's recorded turns as a Langfuse experiment, scored against the recording."""
    from skillcoach.app.replay.experiment import run_experiment
    from skillcoach.llm.langfuse_api import LangfuseAPIError, base_url, check_access, make_api
    from skillcoach.tracing.langfuse_tracer import LangfuseTracer

    if not dataset:
        raise UserError("give --dataset NAME (fill one with 'skillcoach replay export')")
    conf = settings()
    try:  # before the tracer starts: its own background check would word a wrong host as "not reachable"
        check_access(make_api(conf), base_url(conf))
    except LangfuseAPIError as exc:
        raise UserError(str(exc)) from None
    tracer = LangfuseTracer(conf)
    try:
        summary = run_experiment(conf, tracer, dataset, model=model, prompts_dir=prompts, run_name=run_name)
    except LangfuseAPIError as exc:
        raise UserError(str(exc)) from None
    finally:
        tracer.shutdown()
    _experiment_table(summary)


def _experiment_table(summary: Any) -> None:
    _console().print(plain(f"experiment {summary.run_name} on dataset {summary.dataset}: {summary.items} item(s)"))
    table = _table(box=None, header_style="bold", pad_edge=False)
    for col in ("score", "mean", "items"):
        table.add_column(col, justify="left" if col == "score" else "right")
    for name, (mean, count) in summary.means().items():
        table.add_row(name, f"{mean:.3f}" if abs(mean) < 100 else f"{mean:.0f}", str(count))
    _console().print(table)
    for item_id, why in summary.skipped:
        _console().print(plain(f"not run: item {item_id}: {why}", "yellow"))
    if summary.url:
        _console().print(plain(summary.url, "dim"))
