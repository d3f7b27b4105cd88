"""A model judge decides within a cap: the offline grade is kept, a confident disagreement is disputed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillcoach.grading.answers import Grade, Verdict, grade
from skillcoach.grading.judging import combine, disagreement
from tests.unit.factories import short


def judged(verdict: str, score: float) -> Grade:
    return Grade(Verdict(verdict), score, "model says so", "ref", "llm-judge")


def test_agreement_keeps_the_model_verdict_and_the_offline_grade_beside_it() -> None:
    offline = grade(short(), "We search documents and cite the sources they come from.")
    final = combine(judged("correct", 1.0), offline)
    assert final.verdict is Verdict.CORRECT and final.offline == offline and not final.disputed
    assert final.confidence == 0.9 and final.found == offline.found and disagreement(final) == 0.0


def test_the_model_may_lift_a_partial_reading_to_correct() -> None:
    offline = grade(short(), "It lets the model search a knowledge base before it writes the reply.")
    assert offline.verdict is Verdict.PARTIAL
    final = combine(judged("correct", 1.0), offline)
    assert final.verdict is Verdict.CORRECT and not final.disputed and disagreement(final) == 0.5


def test_a_model_correct_against_a_confident_offline_wrong_is_disputed_and_the_rubric_stands() -> None:
    offline = grade(short(), "Retrieval lets you retrain the model on the cited sources every night.")
    assert offline.verdict is Verdict.WRONG and offline.confidence >= 0.5
    final = combine(judged("correct", 1.0), offline)
    assert final.disputed and final.verdict is Verdict.WRONG and final.score == offline.score
    assert final.judge_verdict == "correct" and final.confidence <= 0.3 and disagreement(final) == 1.0
    assert "model judge called this correct" in final.feedback
    assert Grade.from_dict(final.to_dict()) == final


def test_a_model_may_mark_down_what_the_rubric_passed() -> None:
    offline = grade(short(), "We search documents and cite the sources they come from.")
    final = combine(judged("wrong", 0.0), offline)
    assert final.verdict is Verdict.WRONG and not final.disputed and final.confidence == 0.5


def test_no_disagreement_score_without_a_judge() -> None:
    assert disagreement(grade(short(), "We search documents and cite sources.")) is None


def test_the_disagreement_is_a_trace_score(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from skillcoach.settings import Settings
    from skillcoach.tracing.langfuse_tracer import LangfuseTracer

    settings = Settings(data_dir=tmp_path, langfuse_public_key="pk-lf-x", langfuse_secret_key="sk-lf-x",
                        langfuse_base_url="http://127.0.0.1:9")
    tracer = LangfuseTracer(settings, span_exporter=InMemorySpanExporter())
    scores: list[dict[str, Any]] = []
    monkeypatch.setattr(tracer.client, "create_score", lambda **kw: scores.append(kw))
    feedback = {"type": "feedback", "score": 0.0, "mastery": 0.2, "item_id": "s/o/q4", "verdict": "wrong",
                "grader_disagreement": 1.0, "disputed": True}
    tracer.after_turn("t" * 32, [feedback, {**feedback, "grader_disagreement": None}], finished=False)
    tracer.flush()  # scores are sent in the background, after the turn
    assert [s["value"] for s in scores if s["name"] == "grader_disagreement"] == [1.0]
