"""Which objective a session takes next: confirmations and due reviews first, then the learner's fringe.

Confirmations and due reviews take up to a share of the session.

The fringe is every objective not yet mastered (nor waiting, provisionally mastered, for its
confirmation on a later day) whose prerequisites are all mastered, limited to the goal skills
(and what they need). When the learner has a weekly plan for this week, its blocks come first,
in the plan's order. An objective without progress for ``STUCK_SESSIONS`` sessions gets its
prerequisites re-checked first, then a different activity (a worked item instead of the lesson).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.i18n import N_
from skillcoach.learner import review
from skillcoach.learner.mastery import CONFIRM_GAP

Mode = Literal["learn", "review"]
Activity = Literal["lesson", "worked"]
REVIEW_SHARE = 0.4  # reviews take at most this share of a session while anything is left to learn
STUCK_SESSIONS = 2  # sessions in a row without progress on an objective before the policy changes


@dataclass(frozen=True)
class Step:
    """What a session does next: the objective, how (lesson, review or confirmation), and why."""

    objective_id: str
    mode: Mode
    reason: str
    activity: Activity = "lesson"
    for_objective: str | None = None  # a prerequisite re-check: the stuck objective it is for
    # ``reason`` as a message-catalog msgid and its values: the coach shows it in the learner's language
    reason_msgid: str = ""
    reason_args: dict[str, Any] = field(default_factory=dict)


def _step(objective_id: str, mode: Mode, msgid: str, activity: Activity = "lesson",
          for_objective: str | None = None, **args: Any) -> Step:
    """A step whose reason is ``msgid`` (an ``N_``-marked English template) filled with ``args``."""
    return Step(objective_id, mode, msgid.format(**args), activity, for_objective, msgid, args)


def fringe(curriculum: Curriculum, mastered: set[str], goals: list[str] | None = None,
           waiting: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Objectives ready to learn, prerequisites first, within the goal skills when given."""
    scope = curriculum.with_prerequisites(curriculum.objectives_of(goals)) if goals else None
    ready = []
    for oid in curriculum.order:
        if oid in mastered or oid in waiting or (scope is not None and oid not in scope):
            continue
        if all(dep in mastered for dep in curriculum.objective(oid).prerequisites):
            ready.append(oid)
    return ready


def due_reviews(cards: dict[str, dict[str, Any]], until: datetime) -> list[tuple[str, float]]:
    """Objectives whose review is due by ``until``, the most likely forgotten first."""
    due = [(oid, review.retrievability(card, until)) for oid, card in cards.items()
           if review.due_at(card) <= until]
    return sorted(due, key=lambda pair: (pair[1], pair[0]))


def confirmable(provisional: Mapping[str, datetime], now: datetime) -> list[str]:
    """Provisionally mastered objectives a right answer now would count towards confirming (a later day)."""
    return sorted(oid for oid, since in provisional.items()
                  if now.date() > since.date() and now - since >= CONFIRM_GAP)


def next_step(
    curriculum: Curriculum,
    *,
    mastered: set[str],
    cards: dict[str, dict[str, Any]],
    now: datetime,
    exclude: set[str],
    goals: list[str] | None = None,
    planned: list[dict[str, Any]] | None = None,
    provisional: Mapping[str, datetime] | None = None,
    reviews_allowed: bool = True,
    stuck: Mapping[str, int] | None = None,
) -> Step | None:
    """The next objective for a session, or None when nothing is left to do.

    ``reviews_allowed`` False (the session's review share is spent) holds reviews back while
    something is left to learn.
    """
    waiting = dict(provisional or {})
    reviews = _review_steps(curriculum, cards, now, exclude, waiting)
    if reviews_allowed and reviews:
        return reviews[0]
    learn = _learn_step(curriculum, mastered, exclude, goals, planned, set(waiting))
    if learn is not None:
        return _unstick(curriculum, learn, dict(stuck or {}), mastered, exclude)
    return reviews[0] if reviews else None


def _review_steps(curriculum: Curriculum, cards: dict[str, dict[str, Any]], now: datetime, exclude: set[str],
                  provisional: dict[str, datetime]) -> list[Step]:
    steps = [_step(oid, "review", N_("confirm on a later day what you mastered provisionally"))
             for oid in confirmable(provisional, now) if oid not in exclude and oid in curriculum.objectives]
    steps += [_step(oid, "review", N_("review due, recall now about {recall:.0%}"), recall=recall)
              for oid, recall in due_reviews(cards, now) if oid not in exclude and oid in curriculum.objectives]
    return steps


def _learn_step(curriculum: Curriculum, mastered: set[str], exclude: set[str], goals: list[str] | None,
                planned: list[dict[str, Any]] | None, waiting: set[str]) -> Step | None:
    ready = [oid for oid in fringe(curriculum, mastered, goals, waiting) if oid not in exclude]
    for block in planned or []:
        planned_id = block.get("objective_id")
        if block.get("kind") == "learn" and planned_id in ready:
            return _step(str(planned_id), "learn", N_("next in this week's plan"))
    if ready:
        return _step(ready[0], "learn", N_("next objective whose prerequisites you have mastered"))
    return None


def _unstick(curriculum: Curriculum, step: Step, stuck: dict[str, int], mastered: set[str],
             exclude: set[str]) -> Step:
    """After two sessions without progress: re-check a prerequisite, else practise from worked items."""
    if stuck.get(step.objective_id, 0) < STUCK_SESSIONS:
        return step
    title = curriculum.objective(step.objective_id).title
    for dep in curriculum.objective(step.objective_id).prerequisites:
        if dep in mastered and dep not in exclude:
            return _step(dep, "review", N_("re-checking a prerequisite of \"{title}\", where you have been stuck"),
                         for_objective=step.objective_id, title=title)
    return _step(step.objective_id, "learn", N_("a different way in: worked examples, since the lesson has not helped"),
                 activity="worked")


def chosen_step(curriculum: Curriculum, objective_id: str, *, mastered: set[str], exclude: set[str]) -> Step | None:
    """A session on the objective the learner chose: that objective, or the first prerequisite it still needs.

    A mastered choice is reviewed. Otherwise the first unmastered prerequisite in teaching order is taught
    first (its own prerequisites are mastered, since the order puts them before it), with ``for_objective``
    naming the choice. None when that step was already taken up this session (``exclude``).
    """
    title = curriculum.objective(objective_id).title
    needed = curriculum.with_prerequisites([objective_id]) - {objective_id}
    missing = [oid for oid in curriculum.order if oid in needed and oid not in mastered]
    if objective_id in mastered:
        step = _step(objective_id, "review", N_("the block you chose; you have mastered it, so a review"))
    elif not missing:
        step = _step(objective_id, "learn", N_("the block you chose"))
    else:
        step = _step(missing[0], "learn", N_("\"{title}\" needs \"{first}\" first, which you have not mastered yet"),
                     for_objective=objective_id, title=title, first=curriculum.objective(missing[0]).title)
    return None if step.objective_id in exclude else step
