"""Tracing seam. Without Langfuse keys: no export, but every turn still gets its trace id.

The trace id of a turn is derived from (session id, turn number) exactly as
``Langfuse.create_trace_id(seed=...)`` derives it, so an interrupt and its resume
share one trace, and the id stored in the database matches Langfuse's.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol

from skillcoach.settings import Settings


def turn_trace_id(session_id: str, turn: int) -> str:
    """Return the trace id of a turn, the same for an interrupt and its resume."""
    return hashlib.sha256(f"{session_id}:{turn}".encode()).digest()[:16].hex()


class Tracer(Protocol):
    """What the faces need from tracing: trace ids, the run config of a turn, scores after it, and shutdown."""

    def trace_id(self, session_id: str, turn: int) -> str:
        """Return the trace id of the session's turn."""
    def config(self, base: dict[str, Any], *, session_id: str, learner_id: str, turn: int, mode: str,
               learner_input: Any = None, events: list[Any] | None = None) -> dict[str, Any]:
        """Return the run config for a turn: ``base`` with tracing callbacks and metadata added."""
    def after_turn(self, trace_id: str, events: list[dict[str, Any]], *, finished: bool,
                   session_id: str | None = None) -> None:
        """Attach what the turn's events show (grades, mastery, summary) to its trace."""
    def trace_url(self, trace_id: str) -> str | None:
        """Return a link to the trace for the operator, or None when there is none."""
    def shutdown(self) -> None:
        """Send what is still buffered and release the exporter."""


class NullTracer:
    """Tracing off: run names and metadata still go into the run config, nothing is exported."""

    def trace_id(self, session_id: str, turn: int) -> str:
        """Return the trace id of the session's turn, stored with the turn even though nothing is exported."""
        return turn_trace_id(session_id, turn)

    def config(self, base: dict[str, Any], *, session_id: str, learner_id: str, turn: int, mode: str,
               learner_input: Any = None, events: list[Any] | None = None) -> dict[str, Any]:
        """Return the run config with a run name and the session metadata, and no callbacks."""
        return {**base, "run_name": f"coach-turn-{turn}",
                "metadata": {"session_id": session_id, "learner_id": learner_id, "turn": turn, "mode": mode}}

    def after_turn(self, trace_id: str, events: list[dict[str, Any]], *, finished: bool,
                   session_id: str | None = None) -> None:
        """Do nothing: with tracing off there is no trace to score."""
        return None

    def trace_url(self, trace_id: str) -> str | None:
        """Return None: with tracing off there is no trace to link to."""
        return None

    def shutdown(self) -> None:
        """Do nothing: with tracing off nothing is buffered."""
        return None


def make_tracer(settings: Settings) -> Tracer:
    """Return the Langfuse tracer when its keys are set, otherwise a tracer that exports nothing."""
    if settings.tracing_enabled:
        from skillcoach.tracing.langfuse_tracer import LangfuseTracer

        return LangfuseTracer(settings)
    return NullTracer()
