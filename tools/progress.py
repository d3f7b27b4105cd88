"""Tools over the learner's progress. ``learner_id`` is injected by the agent, never by a model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated, Any

from langchain_core.tools import BaseTool, InjectedToolArg, tool

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.learner.progress import progress_report
from skillcoach.planning.next_step import chosen_step, due_reviews, next_step
from skillcoach.planning.weeks import iso_week
from skillcoach.storage.store import Store


def progress_tools(curriculum: Curriculum, store: Store, clock: Callable[[], datetime]) -> list[BaseTool]:
    """Build the learner progress tools: mastery, due reviews and the next objective; ``clock`` gives "now"."""
    @tool
    def get_learner_progress(learner_id: Annotated[str, InjectedToolArg]) -> dict[str, Any]:
        """The learner's mastery per skill and objective, and what is due for review."""
        return progress_report(curriculum, store, learner_id, clock())

    @tool
    def list_due_reviews(learner_id: Annotated[str, InjectedToolArg], within_days: int = 0) -> list[dict[str, Any]]:
        """Mastered objectives whose spaced review is due (now, or within the given days)."""
        until = clock() + timedelta(days=max(0, within_days))
        return [{"objective_id": oid, "recall": round(recall, 3)}
                for oid, recall in due_reviews(store.review_cards(learner_id), until)]

    @tool
    def plan_next_objective(learner_id: Annotated[str, InjectedToolArg], exclude: list[str],
                            reviews_allowed: bool = True, chosen: str | None = None) -> dict[str, Any]:
        """The next objective to study or review.

        Confirmations and due reviews come first, up to the session's review share, then the weekly
        plan, then the fringe. With ``chosen`` (the objective the learner asked for): that objective,
        or first the prerequisite it still needs, while it is not yet taken up.
        """
        if chosen is not None and chosen not in exclude:
            picked = chosen_step(curriculum, chosen, mastered=store.mastered(learner_id), exclude=set(exclude))
            if picked is not None:
                return asdict(picked)
        now = clock()
        learner = store.get_learner(learner_id)
        week = iso_week(now)
        plan = store.weekly_plan(learner_id, week)
        stuck = {oid: sessions for oid, (_, sessions) in store.study_counts(learner_id).items()}
        step = next_step(curriculum, mastered=store.mastered(learner_id), cards=store.review_cards(learner_id),
                         now=now, exclude=set(exclude), goals=list(learner.goals) if learner else None,
                         planned=plan["blocks"] if plan else None, provisional=store.provisional(learner_id),
                         reviews_allowed=reviews_allowed, stuck=stuck)
        return asdict(step) if step else {}

    return [get_learner_progress, list_due_reviews, plan_next_objective]
