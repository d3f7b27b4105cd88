"""The interactive coaching session as a LangGraph state machine.

START -> planner -> tutor -> learner (interrupt) -> reviewer -> quiz | tutor | planner | wrap_up
The quiz puts a question on the table and the learner node waits for the answer;
routing is plain code over state (graphs/routes.py), never a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

from langgraph._internal._runnable import RunnableCallable
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.context import CoachContext, build_coach_context
from agents.enrol import enrol
from agents.learner import learner
from agents.planner import planner
from agents.quiz import quiz
from agents.reviewer import reviewer
from agents.state import CoachInput, CoachState
from agents.tutor import tutor
from agents.wrap_up import wrap_up
from graphs.routes import route_after_planner, route_after_reviewer, route_after_tutor
from graphs.server import Node, served, with_default_context
from skillcoach.settings import Settings
from skillcoach.tracing.recording import TurnRecorder

CoachGraph = StateGraph[CoachState, CoachContext, CoachInput, CoachState]


def build_coach_graph(default_context: Callable[[], CoachContext] | None = None) -> CoachGraph:
    """An uncompiled graph: the caller compiles it with its own checkpointer.

    ``default_context`` is for servers that bring none (``langgraph dev``); such a graph also starts
    by enrolling the learner in the session, which the faces otherwise do before the first run.
    """
    graph: CoachGraph = (StateGraph(CoachState, context_schema=CoachContext, input_schema=CoachInput)
                         if default_context is None else served(StateGraph(CoachState, input_schema=CoachInput)))
    nodes: dict[str, Node[CoachState]] = {"planner": planner, "tutor": tutor, "quiz": quiz, "reviewer": reviewer,
                                          "wrap_up": wrap_up}
    if default_context is not None:
        nodes = {"enrol": enrol, **nodes}
    for name, node in nodes.items():
        graph.add_node(name, with_default_context(node, default_context))
    graph.add_node("learner", learner)  # waits for the learner; needs no context
    if default_context is not None:
        graph.add_edge(START, "enrol")
        graph.add_edge("enrol", "planner")
    else:
        graph.add_edge(START, "planner")
    graph.add_conditional_edges("planner", untraced(route_after_planner),
                                {"tutor": "tutor", "quiz": "quiz", "wrap_up": "wrap_up"})
    graph.add_conditional_edges("tutor", untraced(route_after_tutor), {"learner": "learner", "quiz": "quiz"})
    graph.add_edge("quiz", "learner")
    graph.add_edge("learner", "reviewer")
    graph.add_conditional_edges("reviewer", untraced(route_after_reviewer), {
        "quiz": "quiz", "tutor": "tutor", "planner": "planner", "learner": "learner", "wrap_up": "wrap_up"})
    graph.add_edge("wrap_up", END)
    return graph


def untraced(router: Callable[[CoachState], str]) -> Any:
    """Wrap a router so LangGraph runs it without callbacks.

    A pure function of state is no trace span (and no cost); the route it takes shows as the next node's span.
    """
    return RunnableCallable(router, name=router.__name__, trace=False)


@cache
def _settings_context() -> CoachContext:
    """Built once per server process: loading the curriculum and opening the store are not per-run work."""
    return build_coach_context(Settings())


def server_context() -> CoachContext:
    """The settings' context with a fresh turn recorder (the server keeps no turn records)."""
    return replace(_settings_context(), recorder=TurnRecorder())


def graph_for_server() -> CompiledStateGraph[CoachState, CoachContext, CoachInput, CoachState]:
    """Compiled without a checkpointer, for ``langgraph dev`` (the server brings its own)."""
    return build_coach_graph(default_context=server_context).compile()
