"""Planner: picks the session's next objective through the planning tool; shows the plan once."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.events import event
from agents.state import CoachState


def planner(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    ctx = runtime.context
    worked = list(state.get("worked", []))
    if state.get("spent", 0.0) >= state["minutes"]:
        return {"objective_id": None}
    step = ctx.use_tool("plan_next_objective", {"learner_id": state["learner_id"], "exclude": worked})
    if not step:
        runtime.stream_writer(event("notice", "Nothing is left to learn or review right now: well done."))
        return {"objective_id": None}
    oid = step["objective_id"]
    title = ctx.curriculum.objective(oid).title
    verb = "Review" if step["mode"] == "review" else "Learn"
    runtime.stream_writer(event("plan", f"{verb}: {title} ({step['reason']}).", objective_id=oid,
                                mode=step["mode"], reason=step["reason"]))
    return {
        "objective_id": oid,
        "mode": step["mode"],
        "reason": step["reason"],
        "worked": [*worked, oid],
        "asked": [],
        "questions": 0,
        "wrong_streak": 0,
        "items_left": len(ctx.curriculum.objective(oid).items),
        "last": None,
    }
