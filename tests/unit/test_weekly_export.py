"""A weekly plan as an iCalendar file a calendar app imports, and as Markdown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner.profile import LearnerProfile, StudyState
from skillcoach.planning.export import plan_ics, plan_markdown
from skillcoach.planning.weekly import WeeklyPlanner
from tests.conftest import CURRICULUM

STAMP = datetime(2026, 11, 23, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def plan() -> dict:
    profile = LearnerProfile("ada", weekly_minutes=150, days=("mon", "thu", "sat"), timezone="America/New_York")
    return WeeklyPlanner(load_curriculum(CURRICULUM)).plan(profile, StudyState(), "2026-W48")


def test_the_calendar_has_one_event_per_block_in_the_learners_zone(plan: dict) -> None:
    calendar = Calendar.from_ical(plan_ics(plan, "A good week.", STAMP))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(plan["blocks"]) > 1
    for event, block in zip(events, plan["blocks"], strict=True):
        assert event["DTSTART"].params["TZID"] == "America/New_York"
        start = event.decoded("DTSTART")
        assert start.date().isoformat() == block["day"] and f"{start:%H:%M}" == block["start"]
        assert (event.decoded("DTEND") - start).total_seconds() == block["minutes"] * 60
        assert block["title"] in str(event["SUMMARY"]) and block["reason"] in str(event["DESCRIPTION"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_the_calendar_is_the_same_file_every_time(plan: dict) -> None:
    assert plan_ics(plan, "A good week.", STAMP) == plan_ics(plan, "A good week.", STAMP)


def test_markdown_lists_every_block_by_day(plan: dict) -> None:
    text = plan_markdown(plan, "A good week.")
    assert text.startswith("# Week 2026-W48 for ada") and "A good week." in text
    assert text.count("\n- ") == len(plan["blocks"])
    assert "## Monday 23 November" in text
