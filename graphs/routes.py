"""Routers of the coach graph: small pure functions of state, unit-tested."""

from __future__ import annotations

from typing import Literal

from agents.state import CoachState
from skillcoach.planning.pacing import MAX_QUESTIONS_PER_OBJECTIVE, REMEDIATE_AFTER_WRONG, REVIEW_QUESTIONS


def route_after_planner(state: CoachState) -> Literal["tutor", "quiz", "wrap_up"]:
    """Go to wrap-up when the planner found nothing left, to the quiz for a review, else to the tutor's lesson."""
    if not state.get("objective_id"):
        return "wrap_up"
    return "quiz" if state.get("mode") == "review" else "tutor"


def route_after_tutor(state: CoachState) -> Literal["learner", "quiz"]:
    """A lesson or an answer leaves something awaiting the learner; remediation goes on to practice."""
    return "learner" if state.get("pending") else "quiz"


def route_after_reviewer(state: CoachState) -> Literal["quiz", "tutor", "planner", "learner", "wrap_up"]:
    """Route on the reviewer's outcome; an outcome the reviewer cannot leave raises ValueError.

    Quitting wraps up, a question goes to the tutor, a wait to the learner, "continue" to the quiz. After a
    graded or skipped item: wrap up when time is spent, plan when the objective is done, remediate after a
    wrong streak, else the next question.
    """
    outcome = state.get("outcome")
    if outcome == "quit":
        return "wrap_up"
    if outcome == "ask":
        return "tutor"
    if outcome == "wait":
        return "learner"
    if outcome == "continue":
        return "quiz"
    if outcome not in ("graded", "skipped"):
        raise ValueError(f"reviewer left an impossible outcome: {outcome!r}")
    if state.get("spent", 0.0) >= state["minutes"]:
        return "wrap_up"
    if objective_done(state):
        return "planner"
    if state.get("wrong_streak", 0) >= REMEDIATE_AFTER_WRONG:
        return "tutor"
    return "quiz"


def objective_done(state: CoachState) -> bool:
    """Mastered (or provisionally), reviewed, out of questions, or out of fresh items."""
    last = state.get("last") or {}
    questions = state.get("questions", 0)
    if state.get("mode") == "review":
        if last.get("verdict") == "wrong" and questions <= REVIEW_QUESTIONS:
            return False  # a wrong review gets a second item
        return questions >= REVIEW_QUESTIONS
    # provisional mastery ends the objective for today: a later day confirms it
    settled = bool(last.get("newly_mastered")) or last.get("change") == "provisional"
    return settled or questions >= state.get("question_cap", MAX_QUESTIONS_PER_OBJECTIVE) \
        or state.get("items_left", 1) <= 0
