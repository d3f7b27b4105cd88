"""Reviewer: grades the learner's answer, records it, moves mastery; handles commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import emit, feedback
from agents.learner import COMMANDS
from agents.state import CoachState
from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.models import Item, ItemKind
from skillcoach.grading.answers import Grade, InvalidAnswer, grade, parse_response
from skillcoach.grading.guard import instructs_the_model
from skillcoach.grading.judging import combine
from skillcoach.i18n import N_
from skillcoach.learner.bkt import MAX_HINTS
from skillcoach.learner.hints import hint
from skillcoach.planning.dependents import dependents
from skillcoach.planning.pacing import REMEDIATE_AFTER_WRONG, RETEACH_ITEMS, question_minutes
from skillcoach.protocol import error, notice
from skillcoach.storage.evidence import misconceptions_of


def reviewer(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """Act on the learner's reply: grade an answer, run a command, or hand a question to the tutor."""
    inbox = state.get("inbox") or {}
    pending = state.get("pending") or {}
    if "ask" in inbox:
        return {"outcome": "ask"}
    command = inbox.get("command")
    if command is not None:
        return _command(state, runtime, command, pending)
    if pending.get("type") == "lesson":
        return {"outcome": "continue", "pending": None, "inbox": None}
    return _grade_answer(state, runtime, inbox)


def _command(state: CoachState, runtime: Runtime[CoachContext], command: str,
             pending: dict[str, Any]) -> dict[str, Any]:
    _ = runtime.context.gettext
    if command not in COMMANDS:
        emit(runtime, error(_("Unknown command /{command}. Try /hint, /skip, /progress or /quit.").format(
            command=command)))
        return {"outcome": "wait", "inbox": None}
    if command == "quit":
        return {"outcome": "quit", "inbox": None}
    if command == "hint":
        return _hint(state, runtime, pending)
    if command == "dispute":
        return _dispute(state, runtime)
    if command == "progress":
        report = runtime.context.use_tool("get_learner_progress", {"learner_id": state["learner_id"]})
        emit(runtime, notice(progress_line(report, _), progress=report))
        return {"outcome": "wait", "inbox": None}
    if pending.get("type") == "question":  # skip or continue on a question skips it
        emit(runtime, notice(_("Skipped; no answer recorded.")))
        item = current_item(state, runtime.context)
        return {"outcome": "skipped", "pending": None, "inbox": None,
                "questions": state.get("questions", 0) + 1, "spent": state.get("spent", 0.0) + 0.5
                * question_minutes(item)}
    return {"outcome": "continue", "pending": None, "inbox": None}


def _hint(state: CoachState, runtime: Runtime[CoachContext], pending: dict[str, Any]) -> dict[str, Any]:
    """The next rung of the hint ladder; each one used lowers the credit of a right answer."""
    ctx = runtime.context
    _ = ctx.gettext
    if pending.get("type") != "question":
        emit(runtime, notice(_("No question on the table: hints come with questions.")))
        return {"outcome": "wait", "inbox": None}
    item = current_item(state, ctx)
    number = state.get("hints", 0) + 1
    text = hint(item, ctx.curriculum.objective(ctx.curriculum.item_objective[item.id]), number, _)
    if text is None:
        emit(runtime, notice(_("That was the last hint ({max}); have a go.").format(max=MAX_HINTS)))
        return {"outcome": "wait", "inbox": None}
    emit(runtime, notice(_("Hint {number} of {max}: {text}").format(number=number, max=MAX_HINTS, text=text),
                         hint=number, note=_("each hint lowers the credit a right answer earns")))
    return {"outcome": "wait", "inbox": None, "hints": number}


def _dispute(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """Mark the last graded answer of this session disputed: it leaves the learner model until re-graded."""
    ctx = runtime.context
    _ = ctx.gettext
    attempt = ctx.store.last_graded(state["session_id"])
    if attempt is None:
        emit(runtime, error(_("Nothing graded in this session yet: there is no grade to dispute.")))
        return {"outcome": "wait", "inbox": None}
    after = ctx.store.dispute(attempt.id, ctx.curriculum, ctx.clock())
    emit(runtime, notice(
        _("Noted: your answer to {item} is disputed and no longer counts until it is re-graded. "
          "Mastery of this objective is now {mastery:.0%} ({status}).").format(
            item=attempt.item_id, mastery=after.knowledge.p_mastery, status=after.status),
        dispute={"attempt_id": attempt.id, "turn": attempt.turn, "item_id": attempt.item_id,
                 "verdict": attempt.verdict, "grader": attempt.grader}))
    return {"outcome": "wait", "inbox": None}


def progress_line(report: dict[str, Any], _: Callable[[str], str] = N_) -> str:
    """One line of progress, in the language of ``_`` (English by default)."""
    return _("Mastered {mastered} of {total} objectives; {answers} answers so far, {due} review(s) due.").format(
        mastered=report["objectives_mastered"], total=report["objectives_total"], answers=report["answers"],
        due=len(report["reviews_due"]))


def _grade_answer(state: CoachState, runtime: Runtime[CoachContext], inbox: dict[str, str]) -> dict[str, Any]:
    ctx = runtime.context
    item = current_item(state, ctx)
    response = inbox.get("response")  # parsed by the face that validated the answer
    if response is None:  # a graph served without a face (langgraph dev) validates here
        try:
            response = parse_response(item, inbox.get("answer", ""), ctx.max_answer_chars)
        except InvalidAnswer as exc:
            emit(runtime, error(exc.translated(ctx.gettext)))
            return {"outcome": "wait", "inbox": None}
    result = _grade(ctx, item, response)
    oid = ctx.curriculum.item_objective[item.id]
    mode = state.get("mode", "learn")
    hints = state.get("hints", 0)
    saved = ctx.store.record_attempt(session_id=state["session_id"], turn=state.get("turn", 0),
                                     learner_id=state["learner_id"], objective_id=oid, item=item,
                                     response=response, grade=result, review_mode=mode == "review",
                                     now=ctx.clock(), hints=hints, dependents=dependents(ctx.curriculum, oid))
    text_out = ctx.composer.feedback(item, result, saved.mastery_after, saved.mastered)
    emit(runtime, feedback(item, result, text_out, saved, hints))
    mistakes = [text for _, text in misconceptions_of(item, response, result)]
    wrong = result.verdict.value == "wrong"
    update: dict[str, Any] = {
        "outcome": "graded",
        "pending": None,
        "inbox": None,
        "questions": state.get("questions", 0) + 1,
        "wrong_streak": state.get("wrong_streak", 0) + 1 if wrong else 0,
        "spent": state.get("spent", 0.0) + question_minutes(item),
        "last": {"verdict": result.verdict.value, "score": result.score, "mastery": saved.mastery_after,
                 "mastered": saved.mastered, "newly_mastered": saved.newly_mastered, "item_id": item.id,
                 "change": saved.change, "status": saved.status, "misconceptions": mistakes},
        "stats": _count(state.get("stats") or {}, result.verdict.value, oid, saved.newly_mastered, mode),
    }
    if saved.change == "provisional":
        update["stats"]["provisional"] = [*update["stats"].get("provisional", []), oid]
    if mode == "review":
        update["review_spent"] = state.get("review_spent", 0.0) + question_minutes(item)
    if wrong and mistakes:
        update["wrong_streak"] = REMEDIATE_AFTER_WRONG  # a misconception is re-taught at once, from its feedback
    update.update(_after_change(runtime, saved.change, ctx.curriculum.objective(oid).title))
    return update


def _after_change(runtime: Runtime[CoachContext], change: str, title: str) -> dict[str, Any]:
    """Tell the learner what moved; a lost mastery turns the review into a short re-teach."""
    _ = runtime.context.gettext
    if change == "provisional":
        emit(runtime, notice(_("Provisionally mastered: {title}. A right answer on a later day (on more than "
                               "one after a short run) will confirm it (until then it does not unlock what "
                               "builds on it).").format(
                                   title=title)))
    elif change == "confirmed":
        emit(runtime, notice(_("Confirmed on a later day: {title} is mastered.").format(title=title)))
    elif change == "revoked":
        emit(runtime, notice(_("{title} needs another look, so it no longer counts as mastered: "
                               "a short re-teach and up to {items} practice items follow.").format(
                                   title=title, items=RETEACH_ITEMS), revoked=True))
        return {"mode": "learn", "questions": 0, "question_cap": RETEACH_ITEMS,
                "wrong_streak": REMEDIATE_AFTER_WRONG}
    return {}


def current_item(state: CoachState, ctx: CoachContext) -> Item:
    """The item on the table in this state."""
    return item_on_table(ctx.curriculum, state.get("item_id") or "", state.get("variant"))


def item_on_table(curriculum: Curriculum, item_id: str, variant: dict[str, Any] | None) -> Item:
    """The item asked: a generated variant when one was asked (it carries the item's id), else the bank item."""
    if variant and variant.get("id") == item_id:
        return Item.model_validate(variant)
    return curriculum.item(item_id)


def _grade(ctx: CoachContext, item: Item, response: str) -> Grade:
    """Grade a response: closed items exactly, short answers by the model's judgement or the rubric.

    The model judges when one is configured and the answer does not try to instruct it (the offline
    grade kept beside it, a confident disagreement disputed); otherwise the rubric grades.
    """
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
