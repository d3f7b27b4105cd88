"""The graphs as ``langgraph dev`` serves them (langgraph.json): the server compiles nothing of ours,
brings its own checkpointer and, unless the client sends one, no run context.

``with_default_context`` wraps a node so that a run without context gets one built from settings by
the agents' factory; a run that brings its context (the Python API always does) is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from langgraph.runtime import Runtime

ContextT = TypeVar("ContextT")
StateT = TypeVar("StateT")
Node = Callable[[StateT, Runtime[ContextT]], dict[str, Any]]


def with_default_context(node: Node[StateT, ContextT], make_context: Callable[[], ContextT]) -> Node[StateT, ContextT]:
    """``node`` with ``make_context()`` as its context when the run has none."""

    def run(state: StateT, runtime: Runtime[ContextT]) -> dict[str, Any]:
        if runtime.context is None:
            runtime = runtime.override(context=make_context())
        return node(state, runtime)

    run.__name__ = run.__qualname__ = getattr(node, "__name__", "node")
    return run
