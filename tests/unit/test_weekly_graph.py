"""The weekly graph: the planner agent plans through the ``plan_week`` tool, the narrative seam writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from agents.weekly_planner import WeeklyContext, offline_narrative
from graphs.weekly import build_weekly_graph
from skillcoach.app.weekly.batch import WeeklyBatch
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner.review import utcnow
from skillcoach.settings import Settings
from skillcoach.storage.learners import LearnerUpdate, upsert_learners
from skillcoach.storage.store import Store
from skillcoach.tracing.tracer import NullTracer
from tests.conftest import CURRICULUM
from tools.plans import plan_tools

WEEK = "2026-W48"


class ToolSpy(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tools: list[tuple[str, dict[str, Any]]] = []

    def on_tool_start(self, serialized: dict[str, Any], input_str: str, **kwargs: Any) -> None:
        self.tools.append((serialized["name"], kwargs.get("metadata") or {}))


class RecordingTracer(NullTracer):
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def config(self, base: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return super().config(base, **kwargs)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    upsert_learners(store, [LearnerUpdate("ada", {"weekly_minutes": 60, "goals": ("rag",)})], utcnow())
    return store


def test_the_planner_calls_the_tool_and_the_narrative_seam_writes(store: Store) -> None:
    curriculum = load_curriculum(CURRICULUM)
    seen: list[dict[str, Any]] = []

    def narrative(plan: dict[str, Any]) -> str:
        seen.append(plan)
        return "written by the seam"

    context = WeeklyContext(tools={t.name: t for t in plan_tools(curriculum, store)}, narrative=narrative)
    spy = ToolSpy()
    config = NullTracer().config({"callbacks": [spy]}, session_id=f"weekly-ada-{WEEK}", learner_id="ada", turn=0,
                                 mode="weekly")
    result = build_weekly_graph().compile().invoke({"learner_id": "ada", "week": WEEK}, config, context=context)
    assert result["narrative"] == "written by the seam" and seen == [result["plan"]]
    assert result["plan"]["learner_id"] == "ada" and result["plan"]["blocks"]
    assert [name for name, _ in spy.tools] == ["plan_week"]
    assert spy.tools[0][1].get("mode") == "weekly", "the tool call is traced under the weekly run"


def test_the_offline_narrative_summarises_the_week(store: Store) -> None:
    plan = plan_tools(load_curriculum(CURRICULUM), store)[0].invoke({"learner_id": "ada", "week": WEEK})
    text = offline_narrative(plan)
    first = next(b for b in plan["blocks"] if b["kind"] == "learn")
    assert text.startswith(f"Your week {WEEK}: {plan['totals']['minutes']} of 60 minutes")
    assert first["title"] in text and "rag" in text


def test_the_batch_runs_each_learner_as_a_weekly_session(store: Store, settings: Settings) -> None:
    tracer = RecordingTracer()
    with WeeklyBatch(settings, store=store, tracer=tracer) as batch:
        report = batch.run(WEEK, ["ada"])
    assert report.count("planned") == 1
    assert tracer.calls == [{"session_id": f"weekly-ada-{WEEK}", "learner_id": "ada", "turn": 0, "mode": "weekly"}]
