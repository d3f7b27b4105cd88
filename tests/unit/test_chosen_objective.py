"""The planner's rule for a session on a chosen objective ("start this block"): pure, deterministic."""

from __future__ import annotations

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.planning.next_step import chosen_step
from skillcoach.settings import Settings

CUR = load_curriculum(Settings().curriculum_dir)
DEEP = next(o for o in reversed(CUR.order) if len(CUR.with_prerequisites([o])) >= 3)  # needs two or more


def test_a_chosen_objective_whose_prerequisites_are_mastered_is_taught_itself() -> None:
    ready = CUR.with_prerequisites([DEEP]) - {DEEP}
    step = chosen_step(CUR, DEEP, mastered=ready, exclude=set())
    assert step is not None and (step.objective_id, step.mode, step.for_objective) == (DEEP, "learn", None)
    assert "chose" in step.reason


def test_a_missing_prerequisite_comes_first_and_the_reason_names_both() -> None:
    step = chosen_step(CUR, DEEP, mastered=set(), exclude=set())
    needed = CUR.with_prerequisites([DEEP]) - {DEEP}
    first = next(o for o in CUR.order if o in needed)
    assert step is not None and step.objective_id == first and step.mode == "learn" and step.for_objective == DEEP
    assert CUR.objective(DEEP).title in step.reason and CUR.objective(first).title in step.reason
    assert all(dep in set() for dep in CUR.objective(first).prerequisites), "its own prerequisites are met"
    again = chosen_step(CUR, DEEP, mastered=set(), exclude=set())
    assert again == step, "deterministic"


def test_the_next_missing_prerequisite_follows_once_one_is_mastered() -> None:
    needed = [o for o in CUR.order if o in CUR.with_prerequisites([DEEP]) - {DEEP}]
    step = chosen_step(CUR, DEEP, mastered={needed[0]}, exclude=set())
    assert step is not None and step.objective_id == needed[1]


def test_a_mastered_choice_is_a_review_and_a_taken_up_step_gives_way() -> None:
    everything = set(CUR.order)
    review = chosen_step(CUR, DEEP, mastered=everything, exclude=set())
    assert review is not None and (review.objective_id, review.mode) == (DEEP, "review")
    first = chosen_step(CUR, DEEP, mastered=set(), exclude=set())
    assert first is not None
    assert chosen_step(CUR, DEEP, mastered=set(), exclude={first.objective_id}) is None, \
        "the normal plan takes over when the prerequisite was already worked on this session"
