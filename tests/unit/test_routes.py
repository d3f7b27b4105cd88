from __future__ import annotations

from typing import Any

import pytest

from graphs.routes import route_after_planner, route_after_reviewer, route_after_tutor


def state(**fields: Any) -> Any:
    base = {"learner_id": "ada", "session_id": "s", "minutes": 20, "spent": 5.0, "mode": "learn",
            "questions": 1, "items_left": 5, "wrong_streak": 0, "last": {"newly_mastered": False}}
    return {**base, **fields}


def test_planner_routes() -> None:
    assert route_after_planner(state(objective_id=None)) == "wrap_up"
    assert route_after_planner(state(objective_id="rag/why-rag")) == "tutor"
    assert route_after_planner(state(objective_id="rag/why-rag", mode="review")) == "quiz"


def test_tutor_routes_to_the_learner_only_when_something_awaits() -> None:
    assert route_after_tutor(state(pending={"type": "lesson"})) == "learner"
    assert route_after_tutor(state(pending=None)) == "quiz"


@pytest.mark.parametrize("outcome,expected", [("quit", "wrap_up"), ("ask", "tutor"), ("wait", "learner"),
                                              ("continue", "quiz"), ("graded", "quiz"), ("skipped", "quiz")])
def test_reviewer_routes_by_outcome(outcome: str, expected: str) -> None:
    assert route_after_reviewer(state(outcome=outcome)) == expected


def test_mastery_moves_to_the_next_objective() -> None:
    assert route_after_reviewer(state(outcome="graded", last={"newly_mastered": True})) == "planner"


def test_wrong_answers_send_back_to_the_tutor() -> None:
    assert route_after_reviewer(state(outcome="graded", wrong_streak=1)) == "quiz"
    assert route_after_reviewer(state(outcome="graded", wrong_streak=2)) == "tutor"


def test_budget_spent_wraps_up_before_anything_else() -> None:
    assert route_after_reviewer(state(outcome="graded", spent=20.0, wrong_streak=2)) == "wrap_up"


def test_objective_budget_or_bank_exhausted_moves_on() -> None:
    assert route_after_reviewer(state(outcome="graded", questions=8)) == "planner"
    assert route_after_reviewer(state(outcome="skipped", items_left=0)) == "planner"


def test_one_review_question_then_next() -> None:
    assert route_after_reviewer(state(outcome="graded", mode="review", questions=1)) == "planner"


def test_impossible_outcome_raises() -> None:
    with pytest.raises(ValueError, match="impossible"):
        route_after_reviewer(state(outcome="banana"))
