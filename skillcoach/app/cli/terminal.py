"""The interactive terminal face: Markdown lessons, numbered choices, slash commands."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

console = Console()
HELP = "Type the number or letter of your answer. /hint /skip /progress /quit, or ?QUESTION to ask the tutor."
STYLE = {"correct": "green", "partial": "yellow", "wrong": "red"}


def terminal_loop(session: Any) -> None:
    from skillcoach.app.cli.chat import _tolerant_streams

    _tolerant_streams()
    console.print(f"[dim]{HELP}[/dim]")
    show(session.start())
    while not session.finished:
        try:
            line = console.input("[bold cyan]> [/bold cyan]")
        except EOFError:
            console.print("\n[dim]Session saved. Run the same command to resume.[/dim]")
            return
        show(dispatch(session, line))


def dispatch(session: Any, line: str) -> list[dict[str, Any]]:
    text = line.strip()
    pending = session.pending or {}
    if text.startswith("?"):
        return session.ask(text[1:])
    if text.startswith("/ask "):
        return session.ask(text[5:])
    if text.startswith("/"):
        return session.command(text[1:])
    if pending.get("type") == "lesson" and not text:
        return session.command("continue")
    if pending.get("type") == "lesson":
        return session.ask(text)
    return session.answer(line)


def show(events: list[dict[str, Any]]) -> None:
    for ev in events:
        kind = ev["type"]
        if kind == "lesson":
            console.print(Panel(Markdown(ev["text"]), title="Lesson" if not ev.get("remediation") else "Once more"))
            if ev.get("awaiting"):
                console.print("[dim]Press Enter to start practising, or type a question.[/dim]")
        elif kind == "question":
            _question(ev)
        elif kind == "feedback":
            console.print(Panel(Markdown(ev["text"]), border_style=STYLE.get(ev["verdict"], "white")))
        elif kind in ("answer", "summary", "plan"):
            console.print(Markdown(ev["text"]))
        elif kind == "error":
            console.print(f"[red]{plain(ev['text'])}[/red]")
        else:
            console.print(f"[dim]{plain(ev['text'])}[/dim]")


def plain(text: str) -> str:
    """Text safe inside Rich markup: brackets escaped, control characters (ANSI escapes) made visible."""
    return escape(visible(text))


def visible(text: str) -> str:
    """Control characters (ESC of an ANSI sequence, NUL, ...) and lone surrogates shown as escapes, not sent raw."""
    return "".join(ch if ch.isprintable() or ch in " \n\t" else repr(ch)[1:-1] for ch in text)


def _question(ev: dict[str, Any]) -> None:
    console.print(f"\n[bold]Question {ev.get('number', '')}[/bold] [dim]({ev['kind'].replace('_', ' ')})[/dim]")
    console.print(Markdown(ev["text"]))
    for n, choice in enumerate(ev.get("choices", []), 1):
        console.print(f"  [cyan]{n}[/cyan] ({choice['key']}) {choice['text']}")
    if ev["kind"] == "multi_select":
        console.print("[dim]Pick all that apply, e.g. 1 3.[/dim]")


def print_progress(report: dict[str, Any]) -> None:
    table = Table(title=f"Progress of {report['learner_id']}")
    for col in ("skill", "objective", "P(mastery)", "answers", "mastered"):
        table.add_column(col)
    for skill in report["skills"]:
        for obj in skill["objectives"]:
            p = obj["p_mastery"]
            table.add_row(skill["skill_id"], obj["title"], "-" if p is None else f"{p:.0%}",
                          str(obj["responses"]), "yes" if obj["mastered"] else "")
    console.print(table)
    console.print(f"Mastered {report['objectives_mastered']} of {report['objectives_total']}; "
                  f"{len(report['reviews_due'])} review(s) due.")
