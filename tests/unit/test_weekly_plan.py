"""The weekly planning algorithm: candidates, value per minute, the review cap, days and reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from skillcoach.curriculum.catalog import Curriculum, load_curriculum
from skillcoach.curriculum.models import Skill
from skillcoach.learner import review
from skillcoach.learner.bkt import ObjectiveKnowledge
from skillcoach.learner.profile import LearnerProfile, StudyState
from skillcoach.planning.weekly import NothingToPlan, PlanningError, PlanRules, WeeklyPlanner
from skillcoach.planning.weeks import InvalidWeek
from tests.conftest import CURRICULUM
from tests.unit.factories import mcq

WEEK = "2026-W48"  # Monday 23 November to Sunday 29 November 2026


def objective(oid: str, minutes: int, *prerequisites: str) -> dict[str, Any]:
    return {"id": oid, "title": f"Title of {oid}", "minutes": minutes, "prerequisites": list(prerequisites),
            "explanation": "An explanation long enough to pass the model's minimum length check.",
            "key_points": ["one", "two"], "example": "An example of twenty characters or more.",
            "sources": [{"id": "a-source", "heading": "Intro"}],
            "items": [mcq(f"{oid}/q1").model_dump(), mcq(f"{oid}/q2").model_dump()]}


def skill(sid: str, order: int, *objectives: dict[str, Any]) -> Skill:
    return Skill.model_validate({"id": sid, "title": f"Skill {sid}", "summary": "A skill for tests.",
                                 "order": order, "objectives": list(objectives)})


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return Curriculum.from_skills([
        skill("alpha", 0, objective("alpha/one", 10), objective("alpha/two", 20, "alpha/one"),
              objective("alpha/three", 15, "alpha/two")),
        skill("beta", 1, objective("beta/one", 12), objective("beta/two", 12, "beta/one")),
        skill("gamma", 2, objective("gamma/one", 15, "alpha/two")),
    ])


@pytest.fixture(scope="module")
def planner(curriculum: Curriculum) -> WeeklyPlanner:
    return WeeklyPlanner(curriculum)


def learner(**fields: Any) -> LearnerProfile:
    return LearnerProfile(**{"id": "ada", "weekly_minutes": 120, "timezone": "UTC", **fields})


def mastered_with_cards(*objectives: str, mastered_at: datetime) -> StudyState:
    cards = {oid: review.new_card("ada", oid, mastered_at) for oid in objectives}
    return StudyState(mastered=frozenset(objectives), cards=cards)


def test_the_plan_has_the_documented_shape(planner: WeeklyPlanner) -> None:
    plan = planner.plan(learner(), StudyState(), WEEK)
    assert plan["week"] == WEEK and plan["budget_minutes"] == 120
    assert plan["blocks"], "a learner with nothing mastered has objectives to learn"
    for block in plan["blocks"]:
        assert set(block) >= {"objective_id", "kind", "minutes", "day", "start", "reason"}
        assert block["kind"] in ("learn", "review") and block["minutes"] > 0 and block["reason"]
    assert plan["totals"]["minutes"] == sum(b["minutes"] for b in plan["blocks"]) <= 120


def test_same_inputs_give_the_same_plan(curriculum: Curriculum) -> None:
    state = mastered_with_cards("alpha/one", mastered_at=datetime(2026, 11, 1, tzinfo=UTC))
    profile = learner(days=("tue", "sat"), timezone="Asia/Tokyo")
    assert WeeklyPlanner(curriculum).plan(profile, state, WEEK) == WeeklyPlanner(curriculum).plan(profile, state, WEEK)


def test_prerequisites_come_before_what_needs_them(planner: WeeklyPlanner, curriculum: Curriculum) -> None:
    plan = planner.plan(learner(weekly_minutes=400), StudyState(), WEEK)
    position = {b["objective_id"]: n for n, b in enumerate(plan["blocks"])}
    assert set(position) == set(curriculum.objectives), "a big budget reaches past today's fringe"
    for oid, n in position.items():
        assert all(position[dep] < n for dep in curriculum.objective(oid).prerequisites)
    ordered = [(b["day"], b["start"]) for b in plan["blocks"]]
    assert ordered == sorted(ordered)


def test_goals_limit_learning_to_the_goal_skills_and_what_they_need(planner: WeeklyPlanner) -> None:
    plan = planner.plan(learner(weekly_minutes=400, goals=("gamma",)), StudyState(), WEEK)
    assert [b["objective_id"] for b in plan["blocks"]] == ["alpha/one", "alpha/two", "gamma/one"]
    assert "needed for your goals" in plan["blocks"][0]["reason"]
    assert "toward your goal Skill gamma" in plan["blocks"][-1]["reason"]


def test_higher_value_per_minute_goes_first(planner: WeeklyPlanner) -> None:
    # alpha/one (10 min) leads to three more objectives; beta/one (12 min) to one.
    plan = planner.plan(learner(weekly_minutes=22), StudyState(), WEEK)
    assert [b["objective_id"] for b in plan["blocks"]] == ["alpha/one", "beta/one"]


def test_blocks_fall_on_the_study_days_in_the_learners_zone(planner: WeeklyPlanner) -> None:
    plan = planner.plan(learner(weekly_minutes=60, days=("tue", "thu"), timezone="Europe/Berlin"),
                        StudyState(), WEEK)
    assert plan["study_days"] == ["2026-11-24", "2026-11-26"]
    assert {b["day"] for b in plan["blocks"]} <= set(plan["study_days"])
    first_day = [b for b in plan["blocks"] if b["day"] == "2026-11-24"]
    assert first_day[0]["start"] == "18:00"
    assert first_day[1]["start"] == "18:10", "blocks on a day follow one another"


def test_without_study_days_the_default_days_are_used(planner: WeeklyPlanner) -> None:
    plan = planner.plan(learner(), StudyState(), WEEK)
    assert plan["study_days"] == ["2026-11-23", "2026-11-25", "2026-11-27"]


def test_due_reviews_are_planned_on_or_after_their_due_day(planner: WeeklyPlanner) -> None:
    card = review.new_card("ada", "beta/one", datetime(2026, 11, 23, 9, tzinfo=UTC))
    due = review.due_at(card).date()
    assert datetime(2026, 11, 23).date() < due < datetime(2026, 11, 29).date(), "the card falls due midweek"
    state = StudyState(mastered=frozenset({"beta/one"}), cards={"beta/one": card})
    plan = planner.plan(learner(days=("mon", "wed", "fri", "sun")), state, WEEK)
    reviews = [b for b in plan["blocks"] if b["kind"] == "review"]
    assert [b["objective_id"] for b in reviews] == ["beta/one"]
    assert reviews[0]["day"] >= due.isoformat()
    assert reviews[0]["reason"].startswith("review due")


def test_reviews_keep_to_their_share_while_something_is_left_to_learn(planner: WeeklyPlanner) -> None:
    long_ago = datetime(2026, 1, 5, tzinfo=UTC)
    state = mastered_with_cards("alpha/one", "alpha/two", "beta/one", "beta/two", mastered_at=long_ago)
    plan = planner.plan(learner(weekly_minutes=30), state, WEEK)
    totals = plan["totals"]
    assert totals["review_minutes"] <= totals["review_cap_minutes"] == 12
    assert totals["review_blocks"] == 2 and totals["learn_blocks"] >= 1


def test_reviews_may_use_the_budget_when_nothing_is_left_to_learn(planner: WeeklyPlanner,
                                                                   curriculum: Curriculum) -> None:
    state = mastered_with_cards(*curriculum.objectives, mastered_at=datetime(2026, 1, 5, tzinfo=UTC))
    plan = planner.plan(learner(weekly_minutes=30), state, WEEK)
    assert plan["totals"]["review_minutes"] == 30 > plan["totals"]["review_cap_minutes"]


def test_the_reviews_most_likely_forgotten_win_the_capped_room(planner: WeeklyPlanner) -> None:
    older = mastered_with_cards("beta/one", mastered_at=datetime(2026, 1, 5, tzinfo=UTC))
    newer = mastered_with_cards("alpha/one", mastered_at=datetime(2026, 10, 1, tzinfo=UTC))
    state = StudyState(mastered=older.mastered | newer.mastered, cards={**older.cards, **newer.cards})
    plan = planner.plan(learner(weekly_minutes=15), state, WEEK)  # room for one review (cap 6 minutes)
    assert [b["objective_id"] for b in plan["blocks"] if b["kind"] == "review"] == ["beta/one"]


def test_progress_made_shortens_an_objective(planner: WeeklyPlanner) -> None:
    state = StudyState(knowledge={"alpha/one": ObjectiveKnowledge(p_mastery=0.8, responses=2)})
    block = planner.plan(learner(), state, WEEK)["blocks"][0]
    assert block["objective_id"] == "alpha/one" and block["minutes"] < 10
    assert "of the way to mastery" in block["reason"]


def test_a_leftover_starts_the_best_objective_that_did_not_fit(planner: WeeklyPlanner) -> None:
    state = StudyState(mastered=frozenset({"alpha/one", "beta/one", "beta/two"}))
    plan = planner.plan(learner(weekly_minutes=14, goals=("alpha",)), state, WEEK)
    [block] = plan["blocks"]
    assert block["objective_id"] == "alpha/two" and block["minutes"] == 14
    assert "to finish next week" in block["reason"]


def test_a_week_longer_than_the_day_limit_starts_earlier() -> None:
    planner = WeeklyPlanner(load_curriculum(CURRICULUM), PlanRules(max_day_minutes=480))
    plan = planner.plan(learner(weekly_minutes=480, days=("sat",)), StudyState(), WEEK)
    assert plan["blocks"][0]["start"] < "18:00"
    assert all("00:00" <= b["start"] <= "23:59" for b in plan["blocks"])


def test_everything_mastered_with_nothing_due_is_nothing_to_plan(planner: WeeklyPlanner,
                                                                  curriculum: Curriculum) -> None:
    fresh = mastered_with_cards(*curriculum.objectives, mastered_at=datetime(2026, 11, 28, 9, tzinfo=UTC))
    with pytest.raises(NothingToPlan, match="nothing to plan for ada in 2026-W48"):
        planner.plan(learner(), fresh, WEEK)


def test_goals_already_mastered_are_nothing_to_plan(planner: WeeklyPlanner) -> None:
    with pytest.raises(NothingToPlan, match="toward the goals"):
        planner.plan(learner(goals=("beta",)), StudyState(mastered=frozenset({"beta/one", "beta/two"})), WEEK)


@pytest.mark.parametrize(("profile", "message"), [
    (learner(weekly_minutes=0), "weekly budget of 0 minutes"),
    (learner(weekly_minutes=-30), "weekly budget of -30 minutes"),
    (learner(goals=("alpha", "no-such-skill")), "do not exist: no-such-skill"),
    (learner(timezone="Mars/Olympus"), "unknown time zone"),
])
def test_settings_that_cannot_be_planned_are_refused(planner: WeeklyPlanner, profile: LearnerProfile,
                                                      message: str) -> None:
    with pytest.raises(PlanningError, match=message):
        planner.plan(profile, StudyState(), WEEK)


@pytest.mark.parametrize("week", ["2026-48", "2026-W99", "W48", ""])
def test_a_malformed_week_is_refused(planner: WeeklyPlanner, week: str) -> None:
    with pytest.raises(InvalidWeek):
        planner.plan(learner(), StudyState(), week)


def test_the_real_curriculum_plans_every_kind_of_learner() -> None:
    curriculum = load_curriculum(CURRICULUM)
    planner = WeeklyPlanner(curriculum)
    half = curriculum.order[: len(curriculum.order) // 2]
    state = mastered_with_cards(*half, mastered_at=datetime(2026, 11, 23, tzinfo=UTC) - timedelta(days=60))
    for minutes in (10, 45, 120, 600):
        plan = planner.plan(learner(weekly_minutes=minutes, days=("sun",)), state, WEEK)
        totals = plan["totals"]
        assert 0 < totals["minutes"] <= minutes
        assert totals["review_minutes"] <= totals["review_cap_minutes"], "half the curriculum is left to learn"
