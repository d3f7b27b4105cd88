"""Wrap-up: closes the session with a summary of what was practised and what comes next."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import emit
from agents.state import CoachState
from skillcoach.protocol import Summary

STUCK_GAIN = 0.1  # a rise in P(L) smaller than this over a session is no progress


def wrap_up(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """End the session: note stuck objectives, summarise it with what comes next, and emit the summary."""
    ctx = runtime.context
    stats = dict(state.get("stats") or {})
    knowledge = ctx.store.knowledge(state["learner_id"])
    worked = state.get("worked", [])
    _note_progress(ctx, state)
    stats["objectives"] = {oid: round(knowledge[oid].p_mastery, 3) for oid in worked if oid in knowledge}
    upcoming = ctx.use_tool("plan_next_objective", {"learner_id": state["learner_id"], "exclude": []})
    if upcoming:
        stats["next"] = ctx.curriculum.objective(upcoming["objective_id"]).title
    stats["minutes"] = round(state.get("spent", 0.0), 1)
    named = {*stats.get("mastered", []), *stats.get("reviewed", [])}
    stats["titles"] = {oid: ctx.curriculum.objective(oid).title for oid in named if oid in ctx.curriculum.objectives}
    text = ctx.composer.summary(stats)
    ctx.store.finish_session(state["session_id"], stats)
    emit(runtime, Summary(text=text, stats=stats))
    return {"finished": True, "stats": stats, "pending": None}


def _note_progress(ctx: CoachContext, state: CoachState) -> None:
    """Count one more session without progress for objectives that did not move.

    Those are objectives learned this session that neither rose by STUCK_GAIN nor reached
    (provisional) mastery; the planner's stuck policy reads the count.
    """
    states = ctx.store.states(state["learner_id"])
    progressed = {}
    for oid, before in (state.get("started") or {}).items():
        now = states.get(oid)
        if now is not None and now.knowledge.responses:
            settled = now.status in ("provisional", "mastered")
            progressed[oid] = settled or now.knowledge.p_mastery - before >= STUCK_GAIN
    ctx.store.note_session_progress(state["learner_id"], progressed)
