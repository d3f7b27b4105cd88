"""``skillcoach chat`` (terminal or JSONL) and ``skillcoach progress``."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from skillcoach.app.cli.app import app, settings

if TYPE_CHECKING:
    from skillcoach.protocol import Event


@app.command()
def chat(
    learner: Annotated[str, typer.Option("--learner", "-l", help="Learner id (a new id: asks, or --new-learner).")],
    minutes: Annotated[int | None, typer.Option(min=1, max=600, help="Session time budget.")] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Speak the JSONL protocol on stdin/stdout.")] = False,
    new: Annotated[bool, typer.Option("--new", help="Start a new session, closing the open one.")] = False,
    new_learner: Annotated[bool, typer.Option("--new-learner", help="Create the learner if the id is new.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", metavar="en|ko",
                                             help="Coach in this language and keep it as the learner's "
                                                  "[stored, else env SKILLCOACH_LANG, else the locale].")] = None,
    objective: Annotated[str | None, typer.Option("--objective", metavar="ID",
                                                  help="Start a new session on this objective (or first the "
                                                       "prerequisite it still needs).")] = None,
) -> None:
    """Start or resume a coaching session."""
    from skillcoach.app.api import Coach
    from skillcoach.app.cli.confirm import confirm_new_learner
    from skillcoach.app.cli.errors import speak
    from skillcoach.i18n import check_lang

    if lang is not None:
        lang = check_lang(lang)  # an unknown language: one line, before anything opens
        speak(lang)  # errors before the session starts (unknown learner...) in that language too
    with Coach(settings()) as coach:
        confirm_new_learner(coach.store, learner, allowed=new_learner, interactive=not jsonl)
        session = coach.session(learner, minutes, new=new, lang=lang, objective_id=objective)
        if jsonl:
            _jsonl_loop(session)
        else:
            from skillcoach.app.cli.terminal import terminal_loop

            terminal_loop(session)


def _jsonl_loop(session: Any) -> None:
    """One reply per input line: the coach's events, or one ``error`` event; no line ends the session."""
    from skillcoach.protocol import notice

    _tolerant_streams()
    _emit(session.start())
    while not session.finished:
        line = sys.stdin.readline()
        if not line:
            _ = session.context.gettext
            _emit([notice(_("Input closed; the session is saved."))])
            return
        _emit(reply_to(session, line))


def reply_to(session: Any, line: str) -> list[Event]:
    """The coach's reply to one JSONL line: its events, or exactly one ``error`` event (state untouched)."""
    from skillcoach.app.inputs import BadInput, parse_line
    from skillcoach.protocol import error

    try:
        message = parse_line(line)
    except BadInput as exc:
        return [error(exc.translated(session.context.gettext))]
    events: list[Event] = session.send(message)
    return events


def _tolerant_streams() -> None:
    """Undecodable input bytes become lone surrogates (then refused per line), never a crash on read."""
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=errors)


def _emit(events: list[Event]) -> None:
    """Write events as protocol lines: the models' wire dicts, through ``json.dumps`` as ever."""
    for ev in events:
        sys.stdout.write(json.dumps(ev.wire(), ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def progress(
    learner: Annotated[str, typer.Option("--learner", "-l", help="Learner id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    why: Annotated[str | None, typer.Option("--why", metavar="OBJECTIVE",
                                            help="List the evidence behind this objective's estimate.")] = None,
) -> None:
    """Show a learner's mastery per skill, the reviews due, and (--why) the evidence behind an estimate."""
    # Reads the tables only (no checkpointer, no tracer), so it also works on a read-only data dir.
    from skillcoach.curriculum.catalog import load_curriculum
    from skillcoach.i18n import resolve_lang
    from skillcoach.learner.mastery import learner_model
    from skillcoach.learner.progress import evidence_report, progress_report
    from skillcoach.learner.review import utcnow
    from skillcoach.storage.learners import UnknownLearner, get_profile
    from skillcoach.storage.store import Store, check_learner_id

    conf = settings()
    check_learner_id(learner)
    store = Store(conf.resolved_database_url, learner_model(conf))
    if store.get_learner(learner) is None:
        raise UnknownLearner(learner)
    lang = resolve_lang(None, get_profile(store, learner).lang, conf.lang)  # titles and frame in their language
    curriculum = load_curriculum(conf.curriculum_dir, lang)
    report = progress_report(curriculum, store, learner, utcnow())
    if why is not None:
        report["why"] = evidence_report(curriculum, store, learner, why)
    if as_json:
        print(json.dumps(report if why is None else report["why"], indent=2))
        return
    from skillcoach.app.cli.terminal import print_evidence, print_progress

    if why is None:
        print_progress(report, lang)
    else:
        print_evidence(report["why"])
