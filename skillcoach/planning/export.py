"""A stored weekly plan as Markdown (to read) or iCalendar (to import into a calendar app)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from skillcoach.i18n import N_, SOURCE_LANG, format_day, translator

KIND_LABEL = {"learn": N_("Learn"), "review": N_("Review")}


def plan_markdown(plan: dict[str, Any], narrative: str) -> str:
    """Write the weekly plan as Markdown: the narrative, the totals, then each day's blocks with their reasons."""
    lang = plan.get("lang") or SOURCE_LANG
    _ = translator(lang).gettext
    totals = plan["totals"]
    lines = [_("# Week {week} for {learner}").format(week=plan["week"], learner=plan["learner_id"]), "", narrative, "",
             _("{minutes} of {budget} minutes planned ({learn} learning, {review} reviewing); times in {zone}.").format(
                 minutes=totals["minutes"], budget=plan["budget_minutes"], learn=totals["learn_minutes"],
                 review=totals["review_minutes"], zone=plan["timezone"])]
    for day, blocks in groupby(plan["blocks"], key=lambda b: b["day"]):
        lines += ["", f"## {format_day(date.fromisoformat(day), 'long', lang)}", ""]
        lines += [f"- {b['start']}-{_end(b)} **{_(KIND_LABEL[b['kind']])}** {b['title']} "
                  + _("({minutes} min)").format(minutes=b["minutes"]) + f": {b['reason']}" for b in blocks]
    return "\n".join(lines) + "\n"


def plan_ics(plan: dict[str, Any], narrative: str, stamp: datetime) -> bytes:
    """One VEVENT per study block, in the learner's time zone (with its VTIMEZONE).

    UIDs are stable per learner, week and block, so importing the file again updates
    the events instead of adding copies.
    """
    zone = ZoneInfo(plan["timezone"])
    calendar = Calendar()
    calendar.add("prodid", "-//skillcoach//weekly plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"skillcoach {plan['week']} ({plan['learner_id']})")
    calendar.add("x-wr-caldesc", narrative)
    for n, block in enumerate(plan["blocks"], 1):
        calendar.add_component(_event(plan, block, n, zone, stamp))
    year = date.fromisoformat(plan["study_days"][0]).year
    calendar.add_missing_timezones(date(year - 1, 1, 1), date(year + 2, 1, 1))  # the rules around this week only
    ical: bytes = calendar.to_ical()  # icalendar's return type is not annotated
    return ical


def _event(plan: dict[str, Any], block: dict[str, Any], n: int, zone: ZoneInfo, stamp: datetime) -> Event:
    start = _start(block, zone)
    event = Event()
    event.add("uid", f"{plan['learner_id']}-{plan['week']}-{n}@skillcoach")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=block["minutes"]))
    _ = translator(plan.get("lang") or SOURCE_LANG).gettext
    event.add("summary", f"{_(KIND_LABEL[block['kind']])}: {block['title']}")
    event.add("description", f"{block['reason']}\n\n" + _("Objective: {objective}").format(
        objective=block["objective_id"]))
    event.add("categories", ["skillcoach", block["kind"]])
    return event


def _start(block: dict[str, Any], zone: ZoneInfo) -> datetime:
    return datetime.combine(date.fromisoformat(block["day"]), time.fromisoformat(block["start"]), zone)


def _end(block: dict[str, Any]) -> str:
    end = datetime.combine(date.min, time.fromisoformat(block["start"])) + timedelta(minutes=block["minutes"])
    return f"{end:%H:%M}"
