"""``skillcoach chat`` (terminal or JSONL) and ``skillcoach progress``."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import app, settings


@app.command()
def chat(
    learner: Annotated[str, typer.Option("--learner", "-l", help="Learner id (a new id: asks, or --new-learner).")],
    minutes: Annotated[int | None, typer.Option(min=1, max=600, help="Session time budget.")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Speak the JSONL protocol on stdin/stdout.")] = False,
    new: Annotated[bool, typer.Option("--new", help="Start a new session, closing the open one.")] = False,
    new_learner: Annotated[bool, typer.Option("--new-learner", help="Create the learner if the id is new.")] = False,
) -> None:
    """Start or resume a coaching session."""
    from skillcoach.app.api import Coach
    from skillcoach.app.cli.confirm import confirm_new_learner

    with Coach(settings()) as coach:
        confirm_new_learner(coach.store, learner, allowed=new_learner, interactive=not jsonl)
        session = coach.session(learner, minutes, new=new)
        if jsonl:
            _jsonl_loop(session)
        else:
            from skillcoach.app.cli.terminal import terminal_loop

            terminal_loop(session)


def _jsonl_loop(session: Any) -> None:
    _emit(session.start())
    while not session.finished:
        line = sys.stdin.readline()
        if not line:
            _emit([{"type": "notice", "text": "Input closed; the session is saved.", "awaiting": False}])
            return
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            message = None
        if not isinstance(message, dict):
            _emit([{"type": "error", "text": "Each line must be a JSON object.", "awaiting": False}])
            continue
        _emit(session.send(message))


def _emit(events: list[dict[str, Any]]) -> None:
    for ev in events:
        sys.stdout.write(json.dumps(ev, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def progress(
    learner: Annotated[str, typer.Option("--learner", "-l", help="Learner id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    why: Annotated[str | None, typer.Option("--why", metavar="OBJECTIVE",
                                            help="List the evidence behind this objective's estimate.")] = None,
) -> None:
    """Show a learner's mastery per skill, the reviews due, and (--why) the evidence behind an estimate."""
    from skillcoach.app.api import Coach

    with Coach(settings()) as coach:
        report = coach.progress(learner, why=why)
    if as_json:
        print(json.dumps(report if why is None else report["why"], indent=2))
        return
    from skillcoach.app.cli.terminal import print_evidence, print_progress

    if why is None:
        print_progress(report)
    else:
        print_evidence(report["why"])
