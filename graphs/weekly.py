"""The weekly plan as a LangGraph graph: START -> planner -> narrator -> END, one run per learner and week.

The batch (skillcoach/app/weekly/batch.py) invokes it per learner with the tracing config of a
``weekly`` session, and writes the resulting plan and narrative in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.weekly_planner import WeeklyContext, WeeklyInput, WeeklyState, build_weekly_context, narrate, plan_week
from graphs.server import Node, served, with_default_context
from skillcoach.settings import Settings

WeeklyGraph = StateGraph[WeeklyState, WeeklyContext, WeeklyInput, WeeklyState]


def build_weekly_graph(default_context: Callable[[], WeeklyContext] | None = None) -> WeeklyGraph:
    """An uncompiled graph: the caller compiles it (no checkpointer needed: a run is one step of work).

    ``default_context`` is for servers that bring none (``langgraph dev``); the batch passes its own.
    """
    graph: WeeklyGraph = (StateGraph(WeeklyState, context_schema=WeeklyContext, input_schema=WeeklyInput)
                          if default_context is None else served(StateGraph(WeeklyState, input_schema=WeeklyInput)))
    nodes: dict[str, Node[WeeklyState]] = {"planner": plan_week, "narrator": narrate}
    for name, node in nodes.items():
        graph.add_node(name, with_default_context(node, default_context))
    graph.add_edge(START, "planner")
    graph.add_edge("planner", "narrator")
    graph.add_edge("narrator", END)
    return graph


@cache
def server_context() -> WeeklyContext:
    """Built once per server process from settings."""
    return build_weekly_context(Settings())


def graph_for_server() -> CompiledStateGraph[WeeklyState, WeeklyContext, WeeklyInput, WeeklyState]:
    """Compiled, for ``langgraph dev`` (see langgraph.json)."""
    return build_weekly_graph(default_context=server_context).compile()
