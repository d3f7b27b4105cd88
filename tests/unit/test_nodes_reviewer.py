"""The reviewer node, called directly: it grades and records an answer, and handles the commands."""

from __future__ import annotations

from typing import Any

from agents.context import CoachContext
from agents.events import question
from agents.reviewer import reviewer
from agents.state import CoachState
from skillcoach.curriculum.models import Item, ItemKind, Objective
from skillcoach.grading.answers import parse_response
from skillcoach.protocol import Error, Feedback, Notice
from tests.fakes import ScriptedChatModel, tool_call
from tests.helpers import right_answer, wrong_answer
from tests.unit.nodes import first_objective, item_of_kind, run, start_state, with_models


def on_table(ctx: CoachContext, objective: Objective, item: Item, inbox: dict[str, str],
             **values: Any) -> CoachState:
    """A state with the item's question pending and the learner's input in the inbox."""
    return start_state(ctx, objective_id=objective.id, item_id=item.id, turn=1, mode="learn", inbox=inbox,
                       pending=question(item, objective, 1, "learn").wire(), **values)


def answered(item: Item, text: str) -> dict[str, str]:
    """The inbox of an answer the face validated (and parsed) already."""
    return {"answer": text, "response": parse_response(item, text, 2000)}


def test_a_right_answer_is_graded_recorded_and_fed_back(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    item = objective.items[0]
    state = on_table(ctx, objective, item, answered(item, right_answer(item)))
    update, events = run(reviewer, state, ctx)
    assert update["outcome"] == "graded" and update["pending"] is None and update["inbox"] is None
    assert update["last"]["verdict"] == "correct" and update["stats"] == {"answered": 1, "correct": 1}
    feedback = events[0]
    assert isinstance(feedback, Feedback) and feedback.verdict == "correct" and feedback.item_id == item.id
    assert feedback.mastery > feedback.mastery_before and feedback.hints == 0
    attempts = ctx.store.attempts(session_id=state["session_id"])
    assert [(a.turn, a.item_id, a.verdict) for a in attempts] == [(1, item.id, "correct")]


def test_a_wrong_answer_counts_a_streak_and_names_the_misconception(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    item = next(i for i in objective.items if i.kind is ItemKind.MCQ)
    update, events = run(reviewer, on_table(ctx, objective, item, answered(item, wrong_answer(item))), ctx)
    assert update["outcome"] == "graded" and update["last"]["verdict"] == "wrong"
    assert update["wrong_streak"] >= 1 and update["last"]["misconceptions"]
    assert isinstance(events[0], Feedback) and events[0].verdict == "wrong"


def test_an_answer_no_face_validated_is_checked_here(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    item = next(i for i in objective.items if i.kind is ItemKind.MCQ)
    state = on_table(ctx, objective, item, {"answer": "zz"})  # as from langgraph dev: not parsed yet
    update, events = run(reviewer, state, ctx)
    assert update == {"outcome": "wait", "inbox": None}
    assert len(events) == 1 and isinstance(events[0], Error) and "not one of the choices" in events[0].text
    assert ctx.store.attempts(session_id=state["session_id"]) == []


def test_commands_hint_skip_progress_and_unknown(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    item = next(i for i in objective.items if i.hint)
    hint, events = run(reviewer, on_table(ctx, objective, item, {"command": "hint"}), ctx)
    assert hint == {"outcome": "wait", "inbox": None, "hints": 1}
    assert isinstance(events[0], Notice) and events[0].hint == 1
    skip, events = run(reviewer, on_table(ctx, objective, item, {"command": "skip"}, questions=2), ctx)
    assert skip["outcome"] == "skipped" and skip["questions"] == 3 and events[0].text.startswith("Skipped")
    progress, events = run(reviewer, on_table(ctx, objective, item, {"command": "progress"}), ctx)
    assert progress["outcome"] == "wait" and isinstance(events[0], Notice) and events[0].progress is not None
    _, events = run(reviewer, on_table(ctx, objective, item, {"command": "dance"}), ctx)
    assert isinstance(events[0], Error)
    quit_, events = run(reviewer, on_table(ctx, objective, item, {"command": "quit"}), ctx)
    assert quit_ == {"outcome": "quit", "inbox": None} and events == []


def test_with_a_chat_model_a_short_answer_is_judged_by_it(coach_context: CoachContext) -> None:
    judge = ScriptedChatModel(replies=[tool_call("JudgeVerdict", {
        "verdict": "partial", "score": 0.6, "missing_points": [], "feedback": "Half of the idea."})])
    ctx = with_models(coach_context, reviewer=judge)
    objective, item = item_of_kind(ctx, ItemKind.SHORT_ANSWER)
    update, events = run(reviewer, on_table(ctx, objective, item, answered(item, "Some words of my own.")), ctx)
    feedback = events[0]
    assert isinstance(feedback, Feedback) and feedback.grader == "llm-judge"
    assert feedback.verdict == "partial" and feedback.score == 0.6 and update["last"]["verdict"] == "partial"
    assert len(judge.calls) == 1 and [c["agent"] for c in ctx.recorder.take()["llm"]] == ["reviewer"]
