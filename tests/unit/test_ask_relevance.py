"""Offline ``ask`` knows when the curriculum does not answer, and answers in whole sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcoach.app.ask import answer_question
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.korean import HANGUL
from skillcoach.curriculum.relevance import THRESHOLD, THRESHOLDS, Relevance, split_sentences
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.settings import Settings
from tests.conftest import CURRICULUM

DATA = Path(__file__).resolve().parents[1] / "data" / "ask"


def questions(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def scored() -> dict[str, list[float]]:
    index = CurriculumIndex(load_curriculum(CURRICULUM))
    relevance = Relevance(index.passages)

    def best(question: str) -> float:
        ranked = relevance.rank(question, index.search(question, k=3))
        return ranked[0].relevance if ranked else 0.0

    return {name: [best(q) for q in questions(f"{name}.txt")] for name in ("on_topic", "off_topic")}


def test_threshold_separates_on_topic_from_off_topic_questions(scored: dict[str, list[float]]) -> None:
    on, off = scored["on_topic"], scored["off_topic"]
    assert len(on) >= 50 and len(off) >= 50
    answered_on = sum(s >= THRESHOLD for s in on)
    answered_off = sum(s >= THRESHOLD for s in off)
    precision, recall = answered_on / (answered_on + answered_off), answered_on / len(on)
    assert precision >= 0.95, f"precision {precision:.0%}"
    assert recall >= 0.9, f"recall {recall:.0%}"


def test_off_topic_question_is_declined_without_citations() -> None:
    result = answer_question(Settings(), "What is the capital of France?")
    assert result["citations"] == [] and "nothing on that" in result["answer"]


def test_answer_comes_from_the_best_passage_in_whole_sentences_with_its_source() -> None:
    result = answer_question(Settings(), "What is the lethal trifecta?")
    best = result["citations"][0]
    assert best["objective_id"] == "ai-security/prompt-injection"
    first = result["answer"].split("\n\n")[0]
    assert first.rstrip().endswith((".", "!", "?", ")")), first
    body = first.split("**: ", 1)[1]
    assert all(sentence in best["text"] for sentence in split_sentences(body)), "sentences are the passage's own"
    assert best["source"] in result["answer"] and best["objective_id"] in result["answer"]


def test_sentences_are_never_cut() -> None:
    text = "Retrieval helps. It grounds answers, e.g. in policies (v2.1). Then it cites!\n- A list item"
    assert split_sentences(text) == ["Retrieval helps.", "It grounds answers, e.g. in policies (v2.1).",
                                     "Then it cites!", "A list item"]


@pytest.fixture(scope="module")
def scored_ko() -> dict[str, list[float]]:
    index = CurriculumIndex(load_curriculum(CURRICULUM))
    relevance = Relevance(index.for_language("ko").passages, "ko")

    def best(question: str) -> float:
        ranked = relevance.rank(question, index.search(question, k=3))
        return ranked[0].relevance if ranked else 0.0

    return {name: [best(q) for q in questions(f"ko_{name}.txt")] for name in ("on_topic", "off_topic")}


def test_korean_threshold_separates_on_topic_from_off_topic_questions(
        scored_ko: dict[str, list[float]], capsys: pytest.CaptureFixture[str]) -> None:
    on, off = scored_ko["on_topic"], scored_ko["off_topic"]
    assert len(on) >= 40 and len(off) >= 40
    threshold = THRESHOLDS["ko"]
    answered_on = sum(s >= threshold for s in on)
    answered_off = sum(s >= threshold for s in off)
    precision, recall = answered_on / (answered_on + answered_off), answered_on / len(on)
    with capsys.disabled():
        print(f"\nask relevance (ko): precision {precision:.0%}, recall {recall:.0%} "
              f"({len(on)} on-topic, {len(off)} off-topic questions)")
    assert precision >= 0.95, f"precision {precision:.0%}"
    assert recall >= 0.9, f"recall {recall:.0%}"


def test_an_off_topic_korean_question_is_declined_in_korean() -> None:
    result = answer_question(Settings(), "김치찌개 맛있게 끓이는 법 알려주세요")
    assert result["citations"] == [] and "커리큘럼에는 그에 관한 내용이 없" in result["answer"]


def test_an_on_topic_korean_question_is_answered_from_korean_passages_in_korean() -> None:
    result = answer_question(Settings(), "C2PA가 뭔가요?")
    assert result["citations"] and all(HANGUL.search(c["text"]) for c in result["citations"])
    assert "출처:" in result["answer"] and "Source:" not in result["answer"]
