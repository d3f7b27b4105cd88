"""The pieces of ``replay export`` and ``replay experiment`` that need no session: items, scores, tracer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest

from skillcoach.app.replay.datasets import item_id, turn_item
from skillcoach.app.replay.experiment import ExperimentSummary, NestedTracer, evaluations
from skillcoach.storage.models import CoachingSession, Turn
from skillcoach.tracing.turn_spans import TurnSpans

GRADE = {"item_id": "rag/q1", "verdict": "partial", "score": 0.5, "mastery_before": 0.3, "mastery": 0.4,
         "grader": "rubric", "text": "Half right. Mail ada@example.com for help."}


def turns() -> list[Turn]:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    question = {"type": "question", "text": "What does call +44 20 7946 0958 have to do with chunking?"}
    return [Turn(session_id="s1", number=0, trace_id="t0", learner_input={}, created_at=now,
                 record={"route": ["planner", "tutor", "quiz"], "events": [question]}),
            Turn(session_id="s1", number=1, trace_id="t1", learner_input={"answer": "ask bob@example.com"},
                 created_at=now, record={"route": ["learner", "reviewer", "quiz"], "grade": GRADE,
                                         "events": [{"type": "feedback", "text": "x"}]})]


def test_item_ids_are_stable_and_differ_by_dataset_session_and_turn() -> None:
    assert item_id("d", "s1", 1) == item_id("d", "s1", 1)
    assert len({item_id("d", "s1", 1), item_id("e", "s1", 1), item_id("d", "s2", 1), item_id("d", "s1", 2)}) == 4


def test_a_turn_item_is_masked_and_carries_state_and_expected_outcome() -> None:
    session = CoachingSession(id="s1", learner_id="ada@example.com", minutes=10)
    item = turn_item("d", session, turns(), 1)
    assert "@example.com" not in str(item) and "7946" not in str(item)
    assert item["input"]["learner_input"] == {"answer": "ask [email]"}
    state = item["input"]["state"]
    assert state["awaiting"]["type"] == "question" and "[phone]" in state["awaiting"]["text"]
    assert state["mastery_before"] == 0.3 and state["item_id"] == "rag/q1"
    assert item["expected_output"]["grade"] == {"verdict": "partial", "score": 0.5, "mastery": 0.4,
                                                "grader": "rubric"}
    assert item["expected_output"]["route"] == ["learner", "reviewer", "quiz"]
    assert item["metadata"]["learner"].startswith("learner-") and item["metadata"]["source_trace_id"] == "t1"


def test_scores_compare_the_run_with_the_recording() -> None:
    expected = {"route": ["learner", "reviewer", "quiz"], "grade": {"verdict": "partial", "mastery": 0.4}}
    output = {"route": ["learner", "reviewer", "tutor"], "grade": {"verdict": "wrong", "mastery": 0.25},
              "tokens": 150, "latency_ms": 12.5}
    scores = {name: value for name, value, _ in evaluations(output, expected)}
    assert scores == {"route_agreement": 0.0, "grade_agreement": 0.0, "mastery_delta": pytest.approx(-0.15),
                      "tokens": 150.0, "latency_ms": 12.5}
    same = {name: value for name, value, _ in evaluations({**expected, "tokens": 0, "latency_ms": 1.0}, expected)}
    assert same["route_agreement"] == same["grade_agreement"] == 1.0 and same["mastery_delta"] == 0.0
    ungraded = {name for name, _, _ in evaluations({"route": ["learner"], "grade": None}, {"route": ["learner"]})}
    assert ungraded == {"route_agreement", "tokens", "latency_ms"}  # no grade either side: no grade score
    assert evaluations({"skipped": "no such session"}, expected) == []


def test_summary_means_per_score() -> None:
    summary = ExperimentSummary("d", "run", scores={"tokens": [100.0, 200.0], "grade_agreement": [1.0, 0.0, 1.0]})
    assert summary.means() == {"grade_agreement": (pytest.approx(2 / 3), 3), "tokens": (150.0, 2)}


class Inner:
    client = object()
    base_url = "http://lf"

    def trace_id(self, session_id: str, turn: int) -> str:
        return f"{session_id}:{turn}"

    def config(self, base: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {**base, "callbacks": [TurnSpans(cast(Any, None), trace_id="a" * 32)], "metadata": kwargs}


def test_nested_tracer_joins_the_current_span_and_leaves_scores_to_the_experiment() -> None:
    nested = NestedTracer(Inner(), langfuse_prompts=False)
    config = nested.config({"configurable": {}}, session_id="s", learner_id="l", turn=3, mode="replay")
    assert config["callbacks"][0].trace_id is None and config["metadata"]["turn"] == 3  # under the current span
    assert nested.client is None  # --prompts DIR: the local files, not Langfuse's
    assert NestedTracer(Inner(), langfuse_prompts=True).client is Inner.client
    assert nested.trace_id("s", 3) == "s:3" and nested.base_url == "http://lf"
    assert nested.after_turn("t", [{"type": "feedback"}], finished=False) is None
