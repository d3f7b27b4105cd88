"""Tutor: teaches the objective, re-teaches after wrong answers, answers the learner's questions."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import emit, lesson
from agents.state import CoachState
from skillcoach.curriculum.models import Objective
from skillcoach.learner.lessons import brief_lesson, lesson_kind, worked_item, worked_lesson
from skillcoach.planning.pacing import lesson_minutes
from skillcoach.protocol import Answer

MAX_QUESTION_CHARS = 500


def tutor(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """Teach the objective's lesson, re-teach after wrong answers, or answer the learner's question."""
    inbox = state.get("inbox") or {}
    if "ask" in inbox:
        return _answer_question(state, runtime, inbox["ask"])
    if state.get("wrong_streak", 0) > 0 and state.get("last"):
        return _remediate(state, runtime)
    return _teach(state, runtime)


def _current_objective(state: CoachState, ctx: CoachContext) -> Objective:
    """The objective the planner chose (a plain read of the curriculum: the composer needs the model)."""
    oid = state.get("objective_id")
    assert oid, "the tutor teaches only after the planner chose an objective"
    return ctx.curriculum.objective(oid)


def _teach(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """The lesson, varied so the same text is never shown more than twice (then key points, then worked items)."""
    ctx = runtime.context
    objective = _current_objective(state, ctx)
    _ = ctx.gettext
    reason = state.get("reason") or _("next objective")
    reason = reason[:1].upper() + reason[1:]
    shown = ctx.store.note_lesson(state["learner_id"], objective.id, ctx.clock())
    kind = lesson_kind(shown, state.get("activity", "lesson"))
    update: dict[str, Any] = {"spent": state.get("spent", 0.0) + lesson_minutes(objective)}
    if kind == "full":
        text = ctx.composer.lesson(objective, reason=reason)
    elif kind == "brief":
        text = brief_lesson(objective, reason, _)
    else:
        worked = worked_item(objective, shown)
        text = worked_lesson(objective, worked, reason, _)
        update["asked"] = [*state.get("asked", []), worked.id]  # not quizzed right after its worked answer
        update["items_left"] = state.get("items_left", len(objective.items)) - 1
    update["pending"] = lesson(objective, text, awaiting=True, variant=kind, _=_).wire()
    return update


def _remediate(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx = runtime.context
    objective = _current_objective(state, ctx)
    item = ctx.curriculum.items.get(state.get("item_id") or "")
    text = ctx.composer.remediation(objective, item, state.get("last"))
    mistakes = (state.get("last") or {}).get("misconceptions") or []
    if mistakes:  # built from the wrong choice's own feedback, ahead of the general re-teach
        text = "\n\n".join([ctx.gettext("**About the answer you chose**"), *mistakes, text])
    emit(runtime, lesson(objective, text, awaiting=False, remediation=True, _=ctx.gettext))
    return {"pending": None, "wrong_streak": 0}


def _answer_question(state: CoachState, runtime: Runtime[CoachContext],
                     question: str) -> dict[str, Any]:
    ctx = runtime.context
    question = question[:MAX_QUESTION_CHARS]
    text, cited = ctx.composer.answer_question(question, state.get("objective_id"),
                                               ctx.use_tool)
    emit(runtime, Answer(text=text, citations=cited, question=question))
    return {"inbox": None}
