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
    return hashlib.sha256(f"{session_id}:{turn}".encode()).digest()[:16].hex()


class Tracer(Protocol):
    def trace_id(self, session_id: str, turn: int) -> str: ...
    def config(self, base: dict[str, Any], *, session_id: str, learner_id: str, turn: int, mode: str,
               learner_input: Any = None, events: list[dict[str, Any]] | None = None) -> dict[str, Any]: ...
    def after_turn(self, trace_id: str, events: list[dict[str, Any]], *, finished: bool,
                   session_id: str | None = None) -> None: ...
    def trace_url(self, trace_id: str) -> str | None: ...
    def shutdown(self) -> None: ...


class NullTracer:
    """Tracing off: run names and metadata still go into the run config, nothing is exported."""

    def trace_id(self, session_id: str, turn: int) -> str:
        return turn_trace_id(session_id, turn)

    def config(self, base: dict[str, Any], *, session_id: str, learner_id: str, turn: int, mode: str,
               learner_input: Any = None, events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {**base, "run_name": f"coach-turn-{turn}",
                "metadata": {"session_id": session_id, "learner_id": learner_id, "turn": turn, "mode": mode}}

    def after_turn(self, trace_id: str, events: list[dict[str, Any]], *, finished: bool,
                   session_id: str | None = None) -> None:
        return None

    def trace_url(self, trace_id: str) -> str | None:
        return None

    def shutdown(self) -> None:
        return None


def make_tracer(settings: Settings) -> Tracer:
    if settings.tracing_enabled:
        from skillcoach.tracing.langfuse_tracer import LangfuseTracer

        return LangfuseTracer(settings)
    return NullTracer()
