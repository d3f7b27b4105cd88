"""The interactive terminal face: paged lessons, numbered choices, slash commands (rendering: render.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

from skillcoach.app.cli.progress_view import progress_view
from skillcoach.app.cli.render import help_view, make_console, plain
from skillcoach.app.cli.screen import Screen, welcome
from skillcoach.i18n import N_
from skillcoach.protocol import Event, Lesson

if TYPE_CHECKING:
    from skillcoach.app.api import CoachSession

console = make_console()


def terminal_loop(session: CoachSession) -> None:
    """Run an interactive session in the terminal until it finishes or input ends (the session stays resumable)."""
    from skillcoach.app.cli.chat import _tolerant_streams

    _tolerant_streams()
    _ = session.context.gettext  # the learner's language
    screen = Screen(console, _, session.lang)
    welcome(console, _)
    screen.show(session.start(), session.pending)
    while not session.finished:
        try:
            line = console.input("[bold cyan]> [/bold cyan]")
        except EOFError:
            console.print(plain("\n" + _("Session saved. Run the same command to resume."), "dim"))
            return
        if local_command(screen, session, line):
            continue
        screen.show(dispatch(session, line), session.pending)


def local_command(screen: Screen, session: Any, line: str) -> bool:
    """Enter on a paged screen shows the next one; /help is answered here. True when handled."""
    text = line.strip()
    if not text:
        return screen.next_screen(session.pending)
    if text.lower() in ("/help", "/?"):
        console.print(help_view(getattr(getattr(session, "context", None), "gettext", N_)))
        return True
    return False


def dispatch(session: CoachSession, line: str) -> list[Event]:
    """Send one terminal line: ?question or /ask asks, /command commands, Enter continues a lesson."""
    text = line.strip()
    on_lesson = isinstance(session.pending, Lesson)
    if text.startswith("?"):
        return session.ask(text[1:])
    if text.startswith("/ask "):
        return session.ask(text[5:])
    if text.startswith("/"):
        return session.command(text[1:])
    if on_lesson and not text:
        return session.command("continue")
    if on_lesson:
        return session.ask(text)
    return session.answer(line)


def show(events: list[Event]) -> None:
    """Print events without paging (one-shot commands)."""
    screen = Screen(console)
    screen.show(events, None)
    while screen.next_screen(None):
        pass


def print_progress(report: dict[str, Any], lang: str = "en") -> None:
    """The progress view, in ``lang`` (the learner's language)."""
    from skillcoach.i18n import translator

    console.print(progress_view(report, _=translator(lang).gettext, lang=lang))


def print_evidence(why: dict[str, Any]) -> None:
    """The attempts behind one estimate, oldest first, with each one's effect on P(L)."""
    table = Table(title=plain(f"Why {why['title']} is at {why['p_mastery']:.0%} ({why['status']})"))
    for col in ("date", "item", "mode", "verdict", "grader", "confidence", "hints", "P(L) before -> after"):
        table.add_column(col)
    for a in why["attempts"]:
        verdict = a["verdict"] + (" [disputed: not counted]" if a["disputed"] else "")
        table.add_row(a["at"][:16].replace("T", " "), plain(a["item_id"]), a["mode"], verdict, a["grader"],
                      f"{a['confidence']:.2f}", str(a["hints"]), f"{a['p_before']:.0%} -> {a['p_after']:.0%}")
    console.print(table)
    if why["status"] == "provisional":
        console.print("Provisionally mastered: a right answer on a later day (on more than one after a "
                      "short run) will confirm it.")
    console.print(plain(why["note"], "dim"))
