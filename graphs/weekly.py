"""The weekly plan as a LangGraph graph: START -> planner -> narrator -> END, one run per learner and week.

The batch (skillcoach/app/weekly/batch.py) invokes it per learner with the tracing config of a
``weekly`` session, and writes the resulting plan and narrative in one transaction.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agents.weekly_planner import WeeklyContext, WeeklyInput, WeeklyState, narrate, plan_week


def build_weekly_graph() -> StateGraph:
    """An uncompiled graph: the caller compiles it (no checkpointer needed: a run is one step of work)."""
    graph = StateGraph(WeeklyState, context_schema=WeeklyContext, input_schema=WeeklyInput)
    graph.add_node("planner", plan_week)
    graph.add_node("narrator", narrate)
    graph.add_edge(START, "planner")
    graph.add_edge("planner", "narrator")
    graph.add_edge("narrator", END)
    return graph


def graph_for_server():  # type: ignore[no-untyped-def]
    """Compiled, for ``langgraph dev`` (see langgraph.json)."""
    return build_weekly_graph().compile()
