"""``skillcoach chat`` (terminal or JSONL) and ``skillcoach progress``."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import app, settings


@app.command()
def chat(
    learner: Annotated[str, typer.Option("--learner", "-l", help="Learner id; a new id creates the learner.")],
    minutes: Annotated[int | None, typer.Option(min=1, max=600, help="Session time budget.")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Speak the JSONL protocol on stdin/stdout.")] = False,
    new: Annotated[bool, typer.Option("--new", help="Start a new session even if one is open.")] = False,
) -> None:
    """Start or resume a coaching session."""
    from skillcoach.app.api import Coach

    with Coach(settings()) as coach:
        session = coach.session(learner, minutes, new=new)
        if jsonl:
            _jsonl_loop(session)
        else:
            from skillcoach.app.cli.terminal import terminal_loop

            terminal_loop(session)


def _jsonl_loop(session: Any) -> None:
    """One reply per input line: the coach's events, or one ``error`` event; no line ends the session."""
    _tolerant_streams()
    _emit(session.start())
    while not session.finished:
        line = sys.stdin.readline()
        if not line:
            _emit([{"type": "notice", "text": "Input closed; the session is saved.", "awaiting": False}])
            return
        _emit(reply_to(session, line))


def reply_to(session: Any, line: str) -> list[dict[str, Any]]:
    """The coach's reply to one JSONL line: its events, or exactly one ``error`` event (state untouched)."""
    from skillcoach.app.inputs import BadInput, parse_line

    try:
        message = parse_line(line)
    except BadInput as exc:
        return [{"type": "error", "text": str(exc), "awaiting": False}]
    return session.send(message.model_dump(exclude_unset=True))


def _tolerant_streams() -> None:
    """Undecodable input bytes become lone surrogates (then refused per line), never a crash on read."""
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=errors)


def _emit(events: list[dict[str, Any]]) -> None:
    for ev in events:
        sys.stdout.write(json.dumps(ev, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def progress(
    learner: Annotated[str, typer.Option("--learner", "-l", help="Learner id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a learner's mastery per skill and the reviews due."""
    # Reads the tables only (no checkpointer, no tracer), so it also works on a read-only data dir.
    from skillcoach.curriculum.catalog import load_curriculum
    from skillcoach.learner.progress import progress_report
    from skillcoach.learner.review import utcnow
    from skillcoach.storage.store import Store, check_learner_id

    conf = settings()
    check_learner_id(learner)
    curriculum = load_curriculum(conf.curriculum_dir, conf.locale)
    report = progress_report(curriculum, Store(conf.resolved_database_url), learner, utcnow())
    if as_json:
        print(json.dumps(report, indent=2))
        return
    from skillcoach.app.cli.terminal import print_progress

    print_progress(report)
