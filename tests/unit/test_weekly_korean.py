"""A Korean learner's weekly plan: titles, reasons, narrative, Markdown and ICS events in Korean."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from agents.weekly_planner import offline_narrative
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner.profile import LearnerProfile, StudyState
from skillcoach.planning.export import plan_ics, plan_markdown
from skillcoach.planning.weekly import WeeklyPlanner
from tests.conftest import CURRICULUM

HANGUL = re.compile(r"[\uac00-\ud7a3]")
STAMP = datetime(2026, 11, 23, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def planner() -> WeeklyPlanner:
    return WeeklyPlanner(load_curriculum(CURRICULUM))


def _profile(lang: str | None) -> LearnerProfile:
    return LearnerProfile("jimin", weekly_minutes=150, days=("mon", "thu"), timezone="Asia/Seoul", lang=lang)


def test_the_same_blocks_in_korean_with_korean_titles_and_reasons(planner: WeeklyPlanner) -> None:
    english = planner.plan(_profile(None), StudyState(), "2026-W48")
    korean = planner.plan(_profile("ko"), StudyState(), "2026-W48")
    assert english["lang"] == "en" and korean["lang"] == "ko"
    same = ("objective_id", "kind", "minutes", "day", "start")
    assert [{k: b[k] for k in same} for b in korean["blocks"]] == [{k: b[k] for k in same} for b in english["blocks"]]
    for block in korean["blocks"]:
        assert HANGUL.search(block["title"]) and HANGUL.search(block["reason"]), block
    assert not any(HANGUL.search(b["reason"]) for b in english["blocks"])


def test_narrative_markdown_and_calendar_speak_korean(planner: WeeklyPlanner) -> None:
    plan = planner.plan(_profile("ko"), StudyState(), "2026-W48")
    narrative = offline_narrative(plan)
    assert narrative.startswith("2026-W48 주간 계획") and "요일" in narrative
    markdown = plan_markdown(plan, narrative)
    assert markdown.startswith("# jimin님의 2026-W48 주간 계획") and "**학습**" in markdown and "Learn" not in markdown
    events = list(Calendar.from_ical(plan_ics(plan, narrative, STAMP)).walk("VEVENT"))
    assert events and all(str(e["SUMMARY"]).startswith("학습: ") for e in events if "학습" in str(e["SUMMARY"]))
    assert all("학습 목표: " in str(e["DESCRIPTION"]) for e in events)
