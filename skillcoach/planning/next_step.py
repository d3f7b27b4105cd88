"""Which objective a session takes next: due reviews first, then the learner's fringe.

The fringe is every objective not yet mastered whose prerequisites are all
mastered, limited to the goal skills (and what they need). When the learner has a
weekly plan for this week, its blocks come first, in the plan's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.learner import review

Mode = Literal["learn", "review"]


@dataclass(frozen=True)
class Step:
    objective_id: str
    mode: Mode
    reason: str


def fringe(curriculum: Curriculum, mastered: set[str], goals: list[str] | None = None) -> list[str]:
    """Objectives ready to learn, prerequisites first, within the goal skills when given."""
    scope = curriculum.with_prerequisites(curriculum.objectives_of(goals)) if goals else None
    ready = []
    for oid in curriculum.order:
        if oid in mastered or (scope is not None and oid not in scope):
            continue
        if all(dep in mastered for dep in curriculum.objective(oid).prerequisites):
            ready.append(oid)
    return ready


def due_reviews(cards: dict[str, dict[str, Any]], until: datetime) -> list[tuple[str, float]]:
    """Objectives whose review is due by ``until``, the most likely forgotten first."""
    due = [(oid, review.retrievability(card, until)) for oid, card in cards.items()
           if review.due_at(card) <= until]
    return sorted(due, key=lambda pair: (pair[1], pair[0]))


def next_step(
    curriculum: Curriculum,
    *,
    mastered: set[str],
    cards: dict[str, dict[str, Any]],
    now: datetime,
    exclude: set[str],
    goals: list[str] | None = None,
    planned: list[dict[str, Any]] | None = None,
) -> Step | None:
    """The next objective for a session, or None when nothing is left to do."""
    for oid, recall in due_reviews(cards, now):
        if oid not in exclude and oid in curriculum.objectives:
            return Step(oid, "review", f"review due, recall now about {recall:.0%}")
    ready = [oid for oid in fringe(curriculum, mastered, goals) if oid not in exclude]
    for block in planned or []:
        planned_id = block.get("objective_id")
        if block.get("kind") == "learn" and planned_id in ready:
            return Step(str(planned_id), "learn", "next in this week's plan")
    if ready:
        return Step(ready[0], "learn", "next objective whose prerequisites you have mastered")
    return None
