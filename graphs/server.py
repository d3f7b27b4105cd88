"""The graphs as ``langgraph dev`` serves them (langgraph.json): the server compiles nothing of ours,
brings its own checkpointer and, unless the client sends one, no run context.

``with_default_context`` wraps a node so that a run without context gets one built from settings by
the agents' factory; a run that brings its context (the Python API always does) is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from langgraph.runtime import Runtime
from langgraph.typing import ContextT

StateT = TypeVar("StateT")
StateIn = TypeVar("StateIn", contravariant=True)


class Node(Protocol[StateIn]):
    """A node as the LangGraph templates write it: ``(state, runtime)`` -> the state update."""

    def __call__(self, state: StateIn, runtime: Runtime[Any]) -> dict[str, Any]: ...


class ContextDefault(Generic[StateT, ContextT]):
    """``node`` with ``make_context()`` as its context when the run has none."""

    def __init__(self, node: Node[StateT], make_context: Callable[[], ContextT]) -> None:
        self.node, self.make_context = node, make_context
        self.__name__ = getattr(node, "__name__", "node")  # the node's name in traces

    def __call__(self, state: StateT, runtime: Runtime[ContextT]) -> dict[str, Any]:
        if runtime.context is None:
            runtime = runtime.override(context=self.make_context())
        return self.node(state, runtime)


def with_default_context(node: Node[StateT], make_context: Callable[[], ContextT] | None) -> Node[StateT]:
    """``node`` itself without ``make_context``, else the node defaulting its context to ``make_context()``."""
    return node if make_context is None else ContextDefault(node, make_context)
