"""The progress report as a terminal view that fits 80 columns: bars, counts, forecast, streak."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from skillcoach.app.cli.render import Translate, plain
from skillcoach.i18n import N_, SOURCE_LANG, format_day

STATUS = {"mastered": N_("mastered"), "in_progress": N_("in progress"), "ready": N_("ready"), "locked": N_("locked"),
          "provisional": N_("provisional")}

BAR = 20
TITLE_WIDTH = 30


def bar(share: float, width: int = BAR) -> Text:
    """A mastery bar like ██████░░░░ (share in 0..1)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"))


def progress_view(report: dict[str, Any], *, detail: bool = True, _: Translate = N_,
                  lang: str = SOURCE_LANG) -> RenderableType:
    """Skills with bars, objective counts, reviews and forecast, streak, time, recurring mistakes (in ``_``)."""
    parts: list[RenderableType] = [_headline(report, _), _skills_table(report, _)]
    if detail:
        parts.append(_objectives_table(report, _))
    parts += [_reviews(report, 3 if detail else 1, _, lang), _habits(report, _)]
    mistakes = _mistakes(report, 3 if detail else 2, _)
    if mistakes is not None:
        parts.append(mistakes)
    return Group(*parts)


def _headline(report: dict[str, Any], _: Translate) -> Text:
    counts = _status_counts(report)
    return Text.assemble((_("Progress of {learner}").format(learner=report["learner_id"]), "bold"), ": ",
                         _("{mastered} mastered · {in_progress} in progress · {ready} ready · {locked} locked "
                           "of {total}").format(total=report["objectives_total"], **counts))


def _status_counts(report: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(("mastered", "in_progress", "ready", "locked"), 0)
    for status in (report.get("objective_status") or {}).values():
        counts[status] = counts.get(status, 0) + 1
    return counts


def _skill_share(skill: dict[str, Any]) -> float:
    """Mean P(mastery) over the skill's objectives (unseen ones count 0)."""
    values = [o["p_mastery"] or 0.0 for o in skill["objectives"]]
    return sum(values) / len(values) if values else 0.0


def _skills_table(report: dict[str, Any], _: Translate) -> Table:
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column(_("skill"), max_width=TITLE_WIDTH, overflow="ellipsis", no_wrap=True)
    table.add_column(_("mastery"), no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column(_("done"), justify="right", no_wrap=True)
    for skill in report["skills"]:
        share = _skill_share(skill)
        table.add_row(plain(skill["title"]), bar(share), f"{share:.0%}",
                      f"{skill['mastered']}/{len(skill['objectives'])}")
    return table


def _objectives_table(report: dict[str, Any], _: Translate) -> Table:
    """Only objectives the learner has started (a full list of 60+ rows would scroll away)."""
    status = report.get("objective_status") or {}
    table = Table(title=_("Objectives started"), box=None, pad_edge=False, header_style="bold",
                  title_justify="left")
    table.add_column(_("objective"), max_width=44, overflow="ellipsis", no_wrap=True)
    table.add_column(_("mastery"), no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column(_("status"), no_wrap=True)
    for skill in report["skills"]:
        for obj in skill["objectives"]:
            if obj["responses"] == 0 and not obj["mastered"]:
                continue
            p = obj["p_mastery"] or 0.0
            shown = status.get(obj["objective_id"], "")
            table.add_row(plain(obj["title"]), bar(p, 12), f"{p:.0%}",
                          _(STATUS[shown]) if shown in STATUS else shown.replace("_", " "))
    return table


def _reviews(report: dict[str, Any], shown: int, _: Translate, lang: str) -> RenderableType:
    due_now = len(report.get("reviews_due", []))
    lines: list[RenderableType] = [Text.assemble((_("Reviews"), "bold"),
                                                 ": " + _("{n} due now").format(n=due_now))]
    forecast = report.get("review_forecast") or []
    if forecast:
        lines.append(_forecast_line(forecast, _, lang))
    for row in (report.get("next_reviews") or [])[:shown]:
        when = _("now") if row.get("due_now") else _day(row["due"], lang)
        lines.append(Text.assemble("  " + _("next:") + " ", (when, "cyan"), "  ", plain(_clip(row["title"], 60))))
    return Group(*lines)


def _forecast_line(forecast: list[dict[str, Any]], _: Translate, lang: str) -> Text:
    """Fourteen day cells: weekday initial over the number of reviews due that day."""
    cells = Text("  " + _("14 days:") + " ")
    for row in forecast:
        n = row["reviews"]
        cells.append(str(n) if n < 10 else "+", style="bold yellow" if n else "dim")
        cells.append(" ")
    first = forecast[0]["date"]
    cells.append(_("(from {day})").format(day=_day(first, lang)), style="dim")
    return cells


def _habits(report: dict[str, Any], _: Translate) -> Text:
    minutes = float(report.get("minutes_studied") or 0)
    hours, mins = divmod(round(minutes), 60)
    studied = (_("{hours} h {minutes} min") if hours else _("{minutes} min")).format(hours=hours, minutes=mins)
    streak = int(report.get("streak_days") or 0)
    return Text.assemble((_("Study"), "bold"),
                         ": " + _("{studied} in {days} day(s); streak ").format(studied=studied,
                                                                              days=report.get("study_days", 0)),
                         ((_("{n} days") if streak != 1 else _("{n} day")).format(n=streak), "magenta"),
                         "; " + _("{answers} answers, {correct} correct").format(
                             answers=report.get("answers", 0), correct=report.get("correct", 0)))


def _mistakes(report: dict[str, Any], shown: int, _: Translate) -> RenderableType | None:
    """Recurring mistakes, and the misconceptions the learner model names where it knows them."""
    rows = [_("{title}: {wrong} wrong in a row on {item}").format(
                title=_clip(r["title"], 50), wrong=r["wrong"], item=r["item_id"].rsplit("/", 1)[-1])
            for r in (report.get("recurring_mistakes") or [])[:shown]]
    for item in (report.get("misconceptions") or [])[:shown]:
        rows.append(_clip(item.get("text") or item.get("feedback") or item.get("id") or str(item), 70)
                    if isinstance(item, dict) else _clip(str(item), 70))
    if not rows:
        return None
    return Group(Text(_("Recurring mistakes"), style="bold"), *(plain(f"  - {row}") for row in rows[:shown]))


def _day(iso: str, lang: str = SOURCE_LANG) -> str:
    moment = datetime.fromisoformat(iso)
    day = moment.date() if isinstance(moment, datetime) else date.fromisoformat(iso)
    return format_day(day, "short", lang)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
