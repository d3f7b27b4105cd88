"""The bench's outputs: the machine it ran on, a Rich table for the terminal, and RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import Row

PLACEHOLDER = "_Cause and plan: (maintainer to fill in)_"
WIDE = 140  # columns when printing to a pipe or a file (Rich would fold names at 80)


@dataclass
class Section:
    """One bench module's outcome: its rows, or why it has none."""

    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""  # set when the section was skipped or failed
    seconds: float = 0.0


def run_info() -> dict[str, str]:
    """The machine, the date and the commit a run belongs to."""
    return {
        "cores": str(os.cpu_count()),
        "RAM": _ram(),
        "Python": platform.python_version(),
        "OS": platform.platform(),
        "load average at the start (1, 5, 15 min)": load_average(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
    }


def load_average() -> str:
    """Other work on the machine slows the timed figures: the load says how much there was."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10,
                              cwd=Path(__file__).resolve().parent)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def number(value: object) -> str:
    """Three significant figures or so; whole numbers stay whole."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{float(f'{value:.3g}'):g}"


def verdict(row: Row) -> str:
    return {True: "pass", False: "MISS", None: "-"}[row.get("ok")]


def goal_text(row: Row) -> str:
    goal = row.get("goal")
    return "-" if goal is None else str(goal)


def print_table(sections: list[Section], console: Console | None = None) -> None:
    console = console or Console(width=None if _is_terminal() or "COLUMNS" in os.environ else WIDE)
    table = Table(title="skillcoach benchmarks")
    for column in ("figure", "value", "goal", "result", "detail"):
        table.add_column(column, overflow="fold")
    for section in sections:
        table.add_section()
        table.add_row(f"[bold]{section.title}[/bold]", "", "", "", f"[dim]{section.note}[/dim]")
        for row in section.rows:
            style = {"pass": "green", "MISS": "bold red"}.get(verdict(row), "")
            table.add_row(f"  {row['name']}", f"{number(row['value'])} {row['unit']}", goal_text(row),
                          f"[{style}]{verdict(row)}[/{style}]" if style else verdict(row), row.get("detail", ""))
    console.print(table)


def _is_terminal() -> bool:
    return Console().is_terminal


def markdown(sections: list[Section], about: dict[str, str], command: str) -> str:
    lines = ["# Benchmark results", "", f"Measured with `{command}` (see bench/README.md for what each figure means).",
             "", "| machine | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in about.items()]
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        if section.note:
            lines += [f"_{section.note}_"]
            continue
        lines += ["| figure | value | goal | result | detail |", "|---|---|---|---|---|"]
        lines += [f"| {r['name']} | {number(r['value'])} {r['unit']} | {goal_text(r)} | {verdict(r)} | "
                  f"{r.get('detail', '')} |" for r in section.rows]
        misses = [r for r in section.rows if r.get("ok") is False]
        if misses:
            lines += ["", "Misses:"]
            lines += [f"- **{r['name']}**: {number(r['value'])} {r['unit']}, goal {goal_text(r)}. {PLACEHOLDER}"
                      for r in misses]
    return "\n".join(lines) + "\n"
