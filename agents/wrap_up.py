"""Wrap-up: closes the session with a summary of what was practised and what comes next."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import event
from agents.state import CoachState


def wrap_up(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx = runtime.context
    stats = dict(state.get("stats") or {})
    knowledge = ctx.store.knowledge(state["learner_id"])
    worked = state.get("worked", [])
    stats["objectives"] = {oid: round(knowledge[oid].p_mastery, 3) for oid in worked if oid in knowledge}
    upcoming = ctx.use_tool("plan_next_objective", {"learner_id": state["learner_id"], "exclude": []})
    if upcoming:
        stats["next"] = ctx.curriculum.objective(upcoming["objective_id"]).title
    stats["minutes"] = round(state.get("spent", 0.0), 1)
    named = {*stats.get("mastered", []), *stats.get("reviewed", [])}
    stats["titles"] = {oid: ctx.curriculum.objective(oid).title for oid in named if oid in ctx.curriculum.objectives}
    text = ctx.composer.summary(stats)
    ctx.store.finish_session(state["session_id"], stats)
    runtime.stream_writer(event("summary", text, stats=stats))
    return {"finished": True, "stats": stats, "pending": None}
