"""Enrol: makes sure the learner and the session exist before the planner runs.

The faces (Python API, CLI) open the session themselves; a run started through the LangGraph
server (``langgraph dev``) has no face, so its graph starts here. Idempotent: a known learner and
session are left as they are.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext
from agents.state import CoachState


def enrol(state: CoachState, runtime: Runtime[CoachContext]) -> dict[str, Any]:
    """Create the learner and the session rows when they are missing; the state is unchanged."""
    store = runtime.context.store
    store.ensure_learner(state["learner_id"])
    if store.get_session(state["session_id"]) is None:
        store.open_session(state["learner_id"], state["minutes"], session_id=state["session_id"])
    return {}
