"""The weekly planning tool. ``learner_id`` is injected by the agent, never chosen by a model."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from langchain_core.tools import BaseTool, InjectedToolArg, tool

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.planning.weekly import PlanRules, WeeklyPlanner
from skillcoach.storage.learners import study_inputs
from skillcoach.storage.store import Store


def plan_tools(curriculum: Curriculum, store: Store, rules: PlanRules | None = None,
               clock: Callable[[], datetime] | None = None) -> list[BaseTool]:
    """Build the weekly planning tool over the store; ``clock`` lets a plan for this week skip days already past."""
    planner = WeeklyPlanner(curriculum, rules)

    @tool
    def plan_week(learner_id: Annotated[str, InjectedToolArg], week: str) -> dict[str, Any]:
        """The learner's study plan for an ISO week (e.g. 2026-W48).

        It holds the reviews due and the objectives they are ready for, packed into their weekly time
        budget and spread over their study days.
        """
        profile, state = study_inputs(store, learner_id)
        return planner.plan(profile, state, week, now=clock() if clock else None)

    return [plan_week]
