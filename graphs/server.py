"""The graphs as ``langgraph dev`` serves them (langgraph.json), with a context built from settings.

The server brings its own checkpointer and, as run context, nothing or the JSON a client sent
(``{}`` by default), which cannot carry a store, a curriculum or tools.

``with_default_context`` wraps a node so that such a run gets the context built from settings by the
agents' factory; a run that brings a real context (as the Python API does) is left alone. A served
graph is built without a context schema, so the server does not try to make one from the JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from langgraph.graph import StateGraph
from langgraph.runtime import Runtime
from langgraph.typing import ContextT

StateT = TypeVar("StateT")
StateIn = TypeVar("StateIn", contravariant=True)


class Node(Protocol[StateIn]):
    """A node as the LangGraph templates write it: ``(state, runtime)`` -> the state update."""

    def __call__(self, state: StateIn, runtime: Runtime[Any]) -> dict[str, Any]:
        """Run the node on the state with the run's runtime and return its state update."""


class ContextDefault(Generic[StateT, ContextT]):
    """``node`` with ``make_context()`` as its context when the run has none."""

    def __init__(self, node: Node[StateT], make_context: Callable[[], ContextT]) -> None:
        self.node, self.make_context = node, make_context
        self.__name__ = getattr(node, "__name__", "node")  # the node's name in traces

    def __call__(self, state: StateT, runtime: Runtime[ContextT]) -> dict[str, Any]:
        """Run the node, giving it the default context when the run brought none (or only a client's JSON)."""
        if runtime.context is None or isinstance(runtime.context, dict):  # none, or a client's JSON
            runtime = runtime.override(context=self.make_context())
        return self.node(state, runtime)


def with_default_context(node: Node[StateT], make_context: Callable[[], ContextT] | None) -> Node[StateT]:
    """``node`` itself without ``make_context``, else the node defaulting its context to ``make_context()``."""
    return node if make_context is None else ContextDefault(node, make_context)


def served(graph: StateGraph[Any, None, Any, Any]) -> Any:
    """A graph built without a context schema, typed as its caller's (whose nodes default the context)."""
    return graph
