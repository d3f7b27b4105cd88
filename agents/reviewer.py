"""Reviewer: grades the learner's answer, records it, moves mastery; handles commands."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import event, feedback
from agents.learner import COMMANDS
from agents.state import CoachState
from skillcoach.curriculum.models import Item, ItemKind
from skillcoach.grading.answers import Grade, InvalidAnswer, grade, parse_response
from skillcoach.grading.guard import instructs_the_model
from skillcoach.grading.judging import combine
from skillcoach.planning.pacing import question_minutes


def reviewer(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    inbox = state.get("inbox") or {}
    pending = state.get("pending") or {}
    if "ask" in inbox:
        return {"outcome": "ask"}
    command = inbox.get("command")
    if command is not None:
        return _command(state, runtime, command, pending)
    if pending.get("type") == "lesson":
        return {"outcome": "continue", "pending": None, "inbox": None}
    return _grade_answer(state, runtime, inbox.get("answer", ""))


def _command(state: CoachState, runtime: Runtime[CoachContext], command: str,
             pending: dict[str, Any]) -> dict[str, Any]:
    write = runtime.stream_writer
    if command not in COMMANDS:
        write(event("error", f"Unknown command /{command}. Try /hint, /skip, /progress or /quit."))
        return {"outcome": "wait", "inbox": None}
    if command == "quit":
        return {"outcome": "quit", "inbox": None}
    if command == "hint":
        item = current_item(state, runtime.context) if pending.get("type") == "question" else None
        hint = item.hint if item and item.hint else "No hint for this one: re-read the key points above."
        write(event("notice", f"Hint: {hint}"))
        return {"outcome": "wait", "inbox": None}
    if command == "progress":
        report = runtime.context.use_tool("get_learner_progress", {"learner_id": state["learner_id"]})
        write(event("notice", progress_line(report), progress=report))
        return {"outcome": "wait", "inbox": None}
    if pending.get("type") == "question":  # skip or continue on a question skips it
        write(event("notice", "Skipped; no answer recorded."))
        item = current_item(state, runtime.context)
        return {"outcome": "skipped", "pending": None, "inbox": None,
                "questions": state.get("questions", 0) + 1, "spent": state.get("spent", 0.0) + 0.5
                * question_minutes(item)}
    return {"outcome": "continue", "pending": None, "inbox": None}


def progress_line(report: dict[str, Any]) -> str:
    return (f"Mastered {report['objectives_mastered']} of {report['objectives_total']} objectives; "
            f"{report['answers']} answers so far, {len(report['reviews_due'])} review(s) due.")


def _grade_answer(state: CoachState, runtime: Runtime[CoachContext], text: str) -> dict[str, Any]:
    ctx = runtime.context
    item = current_item(state, ctx)
    try:
        response = parse_response(item, text, ctx.max_answer_chars)
    except InvalidAnswer as exc:
        runtime.stream_writer(event("error", str(exc)))
        return {"outcome": "wait", "inbox": None}
    result = _grade(ctx, item, response)
    oid = ctx.curriculum.item_objective[item.id]
    mode = state.get("mode", "learn")
    saved = ctx.store.record_attempt(session_id=state["session_id"], turn=state.get("turn", 0),
                                     learner_id=state["learner_id"], objective_id=oid, item=item,
                                     response=response, grade=result, review_mode=mode == "review",
                                     now=ctx.clock())
    text_out = ctx.composer.feedback(item, result, saved.mastery_after, saved.mastered)
    runtime.stream_writer(feedback(item, result, text_out, saved.mastery_after, saved.mastered,
                                   saved.newly_mastered, saved.mastery_before))
    wrong = result.verdict.value == "wrong"
    return {
        "outcome": "graded",
        "pending": None,
        "inbox": None,
        "questions": state.get("questions", 0) + 1,
        "wrong_streak": state.get("wrong_streak", 0) + 1 if wrong else 0,
        "spent": state.get("spent", 0.0) + question_minutes(item),
        "last": {"verdict": result.verdict.value, "score": result.score, "mastery": saved.mastery_after,
                 "mastered": saved.mastered, "newly_mastered": saved.newly_mastered, "item_id": item.id},
        "stats": _count(state.get("stats") or {}, result.verdict.value, oid, saved.newly_mastered, mode),
    }


def current_item(state: CoachState, ctx: CoachContext) -> Item:
    """The item on the table: a generated variant when one was asked, else the bank item."""
    variant = state.get("variant")
    if variant and variant.get("id") == state.get("item_id"):
        return Item.model_validate(variant)
    return ctx.curriculum.item(state.get("item_id") or "")


def _grade(ctx: CoachContext, item: Item, response: str) -> Grade:
    """Closed items exactly; short answers by the model's judgement when one is configured and the
    answer does not try to instruct it (the offline grade kept beside it, a confident disagreement
    disputed), else by the rubric."""
    offline = grade(item, response)
    if item.kind is ItemKind.SHORT_ANSWER and not instructs_the_model(response):
        judged = ctx.composer.judge(item, response)
        if judged is not None:
            return combine(judged, offline)
    return offline


def _count(stats: dict[str, Any], verdict: str, oid: str, newly: bool, mode: str) -> dict[str, Any]:
    out = dict(stats)
    out["answered"] = out.get("answered", 0) + 1
    out[verdict] = out.get(verdict, 0) + 1
    if newly:
        out["mastered"] = [*out.get("mastered", []), oid]
    if mode == "review" and oid not in out.get("reviewed", []):
        out["reviewed"] = [*out.get("reviewed", []), oid]
    return out
