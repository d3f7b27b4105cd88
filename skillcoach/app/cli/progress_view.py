"""The progress report as a terminal view that fits 80 columns: bars, counts, forecast, streak."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from skillcoach.app.cli.render import plain

BAR = 20
TITLE_WIDTH = 30


def bar(share: float, width: int = BAR) -> Text:
    """A mastery bar like ██████░░░░ (share in 0..1)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"))


def progress_view(report: dict[str, Any], *, detail: bool = True) -> RenderableType:
    """Skills with bars, objective counts, reviews and forecast, streak, time, recurring mistakes."""
    parts: list[RenderableType] = [_headline(report), _skills_table(report)]
    if detail:
        parts.append(_objectives_table(report))
    parts += [_reviews(report, 3 if detail else 1), _habits(report)]
    mistakes = _mistakes(report, 3 if detail else 2)
    if mistakes is not None:
        parts.append(mistakes)
    return Group(*parts)


def _headline(report: dict[str, Any]) -> Text:
    counts = _status_counts(report)
    return Text.assemble((f"Progress of {report['learner_id']}", "bold"), ": ",
                         f"{counts['mastered']} mastered · {counts['in_progress']} in progress · "
                         f"{counts['ready']} ready · {counts['locked']} locked of {report['objectives_total']}")


def _status_counts(report: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(("mastered", "in_progress", "ready", "locked"), 0)
    for status in (report.get("objective_status") or {}).values():
        counts[status] = counts.get(status, 0) + 1
    return counts


def _skill_share(skill: dict[str, Any]) -> float:
    """Mean P(mastery) over the skill's objectives (unseen ones count 0)."""
    values = [o["p_mastery"] or 0.0 for o in skill["objectives"]]
    return sum(values) / len(values) if values else 0.0


def _skills_table(report: dict[str, Any]) -> Table:
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("skill", max_width=TITLE_WIDTH, overflow="ellipsis", no_wrap=True)
    table.add_column("mastery", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("done", justify="right", no_wrap=True)
    for skill in report["skills"]:
        share = _skill_share(skill)
        table.add_row(plain(skill["title"]), bar(share), f"{share:.0%}",
                      f"{skill['mastered']}/{len(skill['objectives'])}")
    return table


def _objectives_table(report: dict[str, Any]) -> Table:
    """Only objectives the learner has started (a full list of 60+ rows would scroll away)."""
    status = report.get("objective_status") or {}
    table = Table(title="Objectives started", box=None, pad_edge=False, header_style="bold", title_justify="left")
    table.add_column("objective", max_width=44, overflow="ellipsis", no_wrap=True)
    table.add_column("mastery", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for skill in report["skills"]:
        for obj in skill["objectives"]:
            if obj["responses"] == 0 and not obj["mastered"]:
                continue
            p = obj["p_mastery"] or 0.0
            table.add_row(plain(obj["title"]), bar(p, 12), f"{p:.0%}",
                          status.get(obj["objective_id"], "").replace("_", " "))
    return table


def _reviews(report: dict[str, Any], shown: int) -> RenderableType:
    due_now = len(report.get("reviews_due", []))
    lines: list[RenderableType] = [Text.assemble(("Reviews", "bold"), f": {due_now} due now")]
    forecast = report.get("review_forecast") or []
    if forecast:
        lines.append(_forecast_line(forecast))
    for row in (report.get("next_reviews") or [])[:shown]:
        when = "now" if row.get("due_now") else _day(row["due"])
        lines.append(Text.assemble("  next: ", (when, "cyan"), "  ", plain(_clip(row["title"], 60))))
    return Group(*lines)


def _forecast_line(forecast: list[dict[str, Any]]) -> Text:
    """Fourteen day cells: weekday initial over the number of reviews due that day."""
    cells = Text("  14 days: ")
    for row in forecast:
        n = row["reviews"]
        cells.append(str(n) if n < 10 else "+", style="bold yellow" if n else "dim")
        cells.append(" ")
    first = forecast[0]["date"]
    cells.append(f"(from {_day(first)})", style="dim")
    return cells


def _habits(report: dict[str, Any]) -> Text:
    minutes = float(report.get("minutes_studied") or 0)
    hours, mins = divmod(round(minutes), 60)
    studied = f"{hours} h {mins} min" if hours else f"{mins} min"
    streak = int(report.get("streak_days") or 0)
    return Text.assemble(("Study", "bold"), f": {studied} in {report.get('study_days', 0)} day(s); streak ",
                         (f"{streak} day{'s' if streak != 1 else ''}", "magenta"),
                         f"; {report.get('answers', 0)} answers, {report.get('correct', 0)} correct")


def _mistakes(report: dict[str, Any], shown: int) -> RenderableType | None:
    """Recurring mistakes, and the misconceptions the learner model names where it knows them."""
    rows = [f"{_clip(r['title'], 50)}: {r['wrong']} wrong in a row on {r['item_id'].rsplit('/', 1)[-1]}"
            for r in (report.get("recurring_mistakes") or [])[:shown]]
    for item in (report.get("misconceptions") or [])[:shown]:
        rows.append(_clip(item.get("text") or item.get("feedback") or item.get("id") or str(item), 70)
                    if isinstance(item, dict) else _clip(str(item), 70))
    if not rows:
        return None
    return Group(Text("Recurring mistakes", style="bold"), *(plain(f"  - {row}") for row in rows[:shown]))


def _day(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    day = moment.date() if isinstance(moment, datetime) else date.fromisoformat(iso)
    return day.strftime("%a %d %b")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
