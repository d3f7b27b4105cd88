"""A dispute is recorded as a trace score on the turn whose grade is disputed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from skillcoach.app.api import Coach
from skillcoach.tracing.langfuse_tracer import LangfuseTracer
from tests.helpers import wrong_answer
from tests.integration.test_tracing import traced_settings

pytestmark = pytest.mark.integration


def test_dispute_is_a_trace_score_on_the_graded_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = traced_settings(tmp_path, "http://127.0.0.1:9", "dispute")
    tracer = LangfuseTracer(settings, span_exporter=InMemorySpanExporter())
    scores: list[dict[str, Any]] = []
    monkeypatch.setattr(tracer.client, "create_score", lambda **kw: scores.append(kw))
    with Coach(settings, tracer=tracer) as coach:
        session = coach.session("ada", minutes=10)
        session.start()
        session.command("continue")
        session.answer(wrong_answer(coach.curriculum.item(session.pending["item_id"])))  # type: ignore[index]
        session.command("dispute")
        graded = next(t for t in coach.store.turns(session.id) if t.record.get("grade"))
    disputed = [s for s in scores if s["name"] == "disputed"]
    assert len(disputed) == 1 and disputed[0]["trace_id"] == graded.trace_id and disputed[0]["value"] == 1.0
