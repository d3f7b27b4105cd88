"""Planner: picks the session's next objective through the planning tool; shows the plan once."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import emit
from agents.state import CoachState
from skillcoach.learner.bkt import ObjectiveKnowledge
from skillcoach.learner.mastery import refit_due
from skillcoach.planning.next_step import REVIEW_SHARE
from skillcoach.planning.pacing import MAX_QUESTIONS_PER_OBJECTIVE
from skillcoach.protocol import Plan, notice


def planner(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """Choose the session's next objective (or none when time is spent or nothing is left) and announce it."""
    ctx = runtime.context
    worked = list(state.get("worked", []))
    if state.get("spent", 0.0) >= state["minutes"]:
        return {"objective_id": None}
    if not worked:
        refresh_model(ctx)
    reviews_allowed = state.get("review_spent", 0.0) < REVIEW_SHARE * state["minutes"]
    chosen = state.get("chosen")
    step = ctx.use_tool("plan_next_objective", {"learner_id": state["learner_id"], "exclude": worked,
                                                "reviews_allowed": reviews_allowed,
                                                **({"chosen": chosen} if chosen else {})})
    _ = ctx.gettext
    if not step:
        emit(runtime, notice(_("Nothing is left to learn or review right now: well done.")))
        return {"objective_id": None}
    oid = step["objective_id"]
    title = ctx.curriculum.objective(oid).title
    reason = step_reason(ctx, step)
    if chosen and step.get("for_objective") == chosen and oid != chosen:
        emit(runtime, notice(_("First a prerequisite: {reason}.").format(reason=reason), objective_id=oid,
                             chosen=chosen))
    line = _("Review: {title} ({reason}).") if step["mode"] == "review" else _("Learn: {title} ({reason}).")
    emit(runtime, Plan(text=line.format(title=title, reason=reason), objective_id=oid, mode=step["mode"],
                       reason=reason))
    started = dict(state.get("started") or {})
    if step["mode"] == "learn" and oid not in started:
        known = ctx.store.knowledge(state["learner_id"]).get(oid) or ObjectiveKnowledge()
        started[oid] = known.p_mastery
    return {
        "objective_id": oid,
        "activity": step.get("activity", "lesson"),
        "question_cap": MAX_QUESTIONS_PER_OBJECTIVE,
        "hints": 0,
        "started": started,
        "mode": step["mode"],
        "reason": reason,
        "worked": [*worked, oid],
        "asked": [],
        "questions": 0,
        "wrong_streak": 0,
        "items_left": len(ctx.curriculum.objective(oid).items),
        "last": None,
    }


def step_reason(ctx: CoachContext, step: dict[str, Any]) -> str:
    """Why this step, in the learner's language (titles from the curriculum in that language)."""
    msgid = step.get("reason_msgid")
    if not msgid:
        return str(step["reason"])
    args = dict(step.get("reason_args") or {})
    if step.get("for_objective") and "title" in args:
        args["title"] = ctx.curriculum.objective(step["for_objective"]).title
    return ctx.gettext(msgid).format(**args)


def refresh_model(ctx: CoachContext) -> None:
    """At a session's start, fit the learner model per objective again if the log has grown enough.

    The log is counted first and read only when a fit is due: most sessions start without reading it,
    and without loading the fitter (numpy).
    """
    if refit_due(ctx.store.evidence_count(), ctx.store.model):
        from skillcoach.learner import fit

        ctx.store.model = fit.refit(ctx.store.model, ctx.store.evidence_rows(), ctx.curriculum.items)
