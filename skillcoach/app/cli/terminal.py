"""The interactive terminal face: Markdown lessons, numbered choices, slash commands."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

console = Console()
HELP = ("Type the number or letter of your answer. /hint /skip /progress /dispute /quit, "
        "or ?QUESTION to ask the tutor.")
STYLE = {"correct": "green", "partial": "yellow", "wrong": "red"}


def terminal_loop(session: Any) -> None:
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
            console.print(f"[red]{ev['text']}[/red]")
        else:
            console.print(f"[dim]{ev['text']}[/dim]")


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
            shown = {"mastered": "yes", "provisional": "provisional (confirm on a later day)"}
            table.add_row(skill["skill_id"], obj["title"], "-" if p is None else f"{p:.0%}",
                          str(obj["responses"]), shown.get(obj.get("status", ""), ""))
    console.print(table)
    console.print(f"Mastered {report['objectives_mastered']} of {report['objectives_total']}"
                  f" ({len(report.get('objectives_provisional', []))} provisionally); "
                  f"{len(report['reviews_due'])} review(s) due.")
    for m in report.get("misconceptions", []):
        if m["recurring"]:
            console.print(f"[yellow]{m['text']}[/yellow] [dim]({m['count']} times)[/dim]")


def print_evidence(why: dict[str, Any]) -> None:
    """The attempts behind one estimate, oldest first, with each one's effect on P(L)."""
    table = Table(title=f"Why {why['title']} is at {why['p_mastery']:.0%} ({why['status']})")
    for col in ("date", "item", "mode", "verdict", "grader", "confidence", "hints", "P(L) before -> after"):
        table.add_column(col)
    for a in why["attempts"]:
        verdict = a["verdict"] + (" [disputed: not counted]" if a["disputed"] else "")
        table.add_row(a["at"][:16].replace("T", " "), a["item_id"], a["mode"], verdict, a["grader"],
                      f"{a['confidence']:.2f}", str(a["hints"]), f"{a['p_before']:.0%} -> {a['p_after']:.0%}")
    console.print(table)
    if why["status"] == "provisional":
        console.print("Provisionally mastered: a right answer on a later day will confirm it.")
    console.print(f"[dim]{why['note']}[/dim]")
