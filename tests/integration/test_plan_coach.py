"""The interactive session follows the learner's weekly plan when it picks the next objective."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from skillcoach.app.api import Coach
from skillcoach.app.weekly.batch import WeeklyBatch
from skillcoach.planning.next_step import fringe
from skillcoach.planning.weeks import iso_week
from skillcoach.settings import Settings
from skillcoach.storage.learners import LearnerUpdate, upsert_learners
from skillcoach.storage.plans import StoredPlan, get_plan, save_plans

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 24, 19, tzinfo=UTC)  # a Tuesday in 2026-W48
WEEK = iso_week(NOW)


def first_objective(coach: Coach, learner_id: str) -> str:
    events = coach.session(learner_id).start()
    return next(e for e in events if e["type"] == "plan")["objective_id"]


def test_a_plan_block_comes_before_the_fringe_order(settings: Settings) -> None:
    with Coach(settings, clock=lambda: NOW) as coach:
        ready = fringe(coach.curriculum, set())
        chosen = ready[2]
        assert chosen != ready[0]
        coach.store.ensure_learner("ada")
        plan = {"week": WEEK, "budget_minutes": 60, "blocks": [
            {"objective_id": chosen, "kind": "learn", "minutes": 15, "day": "2026-11-24", "start": "18:00",
             "reason": "test"}], "totals": {}}
        save_plans(coach.store, [StoredPlan("ada", WEEK, plan, "", NOW)])
        assert first_objective(coach, "ada") == chosen


def test_the_session_takes_up_the_batchs_plan(settings: Settings) -> None:
    with Coach(settings, clock=lambda: NOW) as coach:
        upsert_learners(coach.store, [LearnerUpdate("bo", {"goals": ("workflow-automation",)})], NOW)
        with WeeklyBatch(settings, store=coach.store, clock=lambda: NOW) as batch:
            assert batch.run(WEEK, ["bo"]).count("planned") == 1
        planned = get_plan(coach.store, "bo", WEEK)
        assert planned is not None
        first_block = next(b for b in planned.plan["blocks"] if b["kind"] == "learn")
        assert first_objective(coach, "bo") == first_block["objective_id"]
