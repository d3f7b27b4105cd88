"""The interactive coaching session as a LangGraph state machine.

START -> planner -> tutor -> learner (interrupt) -> reviewer -> quiz | tutor | planner | wrap_up
The quiz puts a question on the table and the learner node waits for the answer;
routing is plain code over state (graphs/routes.py), never a model.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agents.context import CoachContext
from agents.learner import learner
from agents.planner import planner
from agents.quiz import quiz
from agents.reviewer import reviewer
from agents.state import CoachInput, CoachState
from agents.tutor import tutor
from agents.wrap_up import wrap_up
from graphs.routes import route_after_planner, route_after_reviewer, route_after_tutor


def build_coach_graph() -> StateGraph:
    """An uncompiled graph: the caller compiles it with its own checkpointer."""
    graph = StateGraph(CoachState, context_schema=CoachContext, input_schema=CoachInput)
    graph.add_node("planner", planner)
    graph.add_node("tutor", tutor)
    graph.add_node("quiz", quiz)
    graph.add_node("learner", learner)
    graph.add_node("reviewer", reviewer)
    graph.add_node("wrap_up", wrap_up)
    graph.add_edge(START, "planner")
    graph.add_conditional_edges("planner", route_after_planner,
                                {"tutor": "tutor", "quiz": "quiz", "wrap_up": "wrap_up"})
    graph.add_conditional_edges("tutor", route_after_tutor, {"learner": "learner", "quiz": "quiz"})
    graph.add_edge("quiz", "learner")
    graph.add_edge("learner", "reviewer")
    graph.add_conditional_edges("reviewer", route_after_reviewer, {
        "quiz": "quiz", "tutor": "tutor", "planner": "planner", "learner": "learner", "wrap_up": "wrap_up"})
    graph.add_edge("wrap_up", END)
    return graph


def graph_for_server():  # type: ignore[no-untyped-def]
    """Compiled without a checkpointer, for ``langgraph dev`` (the server brings its own)."""
    return build_coach_graph().compile()
