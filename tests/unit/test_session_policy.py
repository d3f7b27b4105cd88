"""Session policy as pure functions: confirmations, the review cap, the stuck policy, hints, lesson variants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner import review
from skillcoach.learner.hints import hint
from skillcoach.learner.lessons import lesson_kind, worked_item, worked_lesson
from skillcoach.planning.next_step import next_step
from skillcoach.settings import Settings

NOW = datetime(2026, 3, 3, 18, tzinfo=UTC)
CUR = load_curriculum(Settings().curriculum_dir)
FIRST = CUR.order[0]


def due_card(oid: str) -> dict[str, object]:
    return review.new_card("ada", oid, NOW - timedelta(days=60))


def test_a_provisional_objective_waits_for_a_later_day_then_comes_first() -> None:
    same_day = next_step(CUR, mastered=set(), cards={}, now=NOW, exclude=set(),
                         provisional={FIRST: NOW - timedelta(hours=2)})
    assert same_day is not None and same_day.objective_id != FIRST and same_day.mode == "learn"
    dependents = [o for o in CUR.order if FIRST in CUR.objective(o).prerequisites]
    assert same_day.objective_id not in dependents, "provisional mastery unlocks nothing"
    later = next_step(CUR, mastered=set(), cards={}, now=NOW, exclude=set(),
                      provisional={FIRST: NOW - timedelta(days=1)})
    assert later is not None and (later.objective_id, later.mode) == (FIRST, "review") and "confirm" in later.reason


def test_reviews_wait_once_the_review_share_is_spent_while_something_is_left_to_learn() -> None:
    cards = {FIRST: due_card(FIRST)}
    assert next_step(CUR, mastered={FIRST}, cards=cards, now=NOW, exclude=set()).mode == "review"  # type: ignore[union-attr]
    capped = next_step(CUR, mastered={FIRST}, cards=cards, now=NOW, exclude=set(), reviews_allowed=False)
    assert capped is not None and capped.mode == "learn"
    everything = set(CUR.order)
    only_reviews = next_step(CUR, mastered=everything, cards=cards, now=NOW, exclude=set(), reviews_allowed=False)
    assert only_reviews is not None and only_reviews.mode == "review", "nothing left to learn: reviews go on"


def test_stuck_objective_rechecks_a_prerequisite_then_changes_the_activity() -> None:
    oid = next(o for o in CUR.order if CUR.objective(o).prerequisites)
    mastered = CUR.with_prerequisites([oid]) - {oid}
    step = next_step(CUR, mastered=mastered, cards={}, now=NOW, exclude=set(), goals=None,
                     planned=[{"kind": "learn", "objective_id": oid}], stuck={oid: 2})
    assert step is not None and step.mode == "review" and step.objective_id in CUR.objective(oid).prerequisites
    assert step.for_objective == oid
    again = next_step(CUR, mastered=mastered, cards={}, now=NOW, exclude={step.objective_id},
                      planned=[{"kind": "learn", "objective_id": oid}], stuck={oid: 2})
    if len(CUR.objective(oid).prerequisites) == 1:
        assert again is not None and again.objective_id == oid and again.activity == "worked"
    fine = next_step(CUR, mastered=mastered, cards={}, now=NOW, exclude=set(),
                     planned=[{"kind": "learn", "objective_id": oid}], stuck={oid: 1})
    assert fine is not None and fine.objective_id == oid and fine.activity == "lesson"


def test_the_hint_ladder_has_three_different_rungs() -> None:
    objective = CUR.objective(FIRST)
    for item in objective.items:
        rungs = [hint(item, objective, n) for n in (1, 2, 3)]
        assert all(rungs) and len(set(rungs)) == 3, item.id
        assert hint(item, objective, 4) is None
    mcq = next(i for i in objective.items if i.kind.value == "mcq")
    second = hint(mcq, objective, 2)
    assert second is not None and second.startswith("You can rule out") and f"({mcq.answer})" not in second


def test_no_lesson_text_is_shown_more_than_twice() -> None:
    kinds = [lesson_kind(shown, "lesson") for shown in range(10)]
    assert kinds[:4] == ["full", "full", "brief", "brief"] and set(kinds[4:]) == {"worked"}
    objective = CUR.objective(FIRST)
    shown_range = range(4, 4 + len(objective.items))
    texts = [worked_lesson(objective, worked_item(objective, shown), "r") for shown in shown_range]
    assert len(set(texts)) == len(texts)
    assert lesson_kind(0, "worked") == "worked", "the stuck policy changes the activity at once"
