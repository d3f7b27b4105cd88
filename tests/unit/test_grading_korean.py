"""Korean short answers graded by Korean rubrics: stems, negation scope, stuffing; reference answers pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.models import ItemKind
from skillcoach.grading.agreement import load_cases, measure
from skillcoach.grading.answers import Verdict, grade_by_rubric
from skillcoach.grading.reader import find, stem_index, tokenise
from tests.conftest import CURRICULUM

CORPUS = Path(__file__).resolve().parent.parent / "data" / "grading" / "ko"


@pytest.fixture(scope="module")
def korean():  # type: ignore[no-untyped-def]
    return load_curriculum(CURRICULUM, lang="ko")


def test_every_korean_reference_answer_passes_its_own_rubric(korean) -> None:  # type: ignore[no-untyped-def]
    short = [i for i in korean.items.values() if i.kind is ItemKind.SHORT_ANSWER]
    assert len(short) >= 40
    failing = {i.id: grade_by_rubric(i, str(i.answer)).feedback for i in short
               if grade_by_rubric(i, str(i.answer)).verdict is not Verdict.CORRECT}
    assert failing == {}


def test_korean_corpus_agreement(korean) -> None:  # type: ignore[no-untyped-def]
    cases = load_cases(CORPUS)
    items = {c.item_id for c in cases}
    assert len(items) >= 6 and len({c.skill for c in cases}) >= 6
    for item in items:
        assert sum(c.item_id == item and c.expected == "correct" for c in cases) >= 5, item
        assert sum(c.item_id == item and c.expected != "correct" for c in cases) >= 5, item
    rows = measure(korean, cases)
    right = sum(r.correct_not_wrong for r in rows.values())
    right_total = sum(r.correct_total for r in rows.values())
    caught = sum(r.wrong_total - r.wrong_graded_correct for r in rows.values())
    wrong_total = sum(r.wrong_total for r in rows.values())
    print(f"\nKorean grading: correct paraphrases not graded wrong {right}/{right_total}; "
          f"wrong/stuffed/negated not graded correct {caught}/{wrong_total}")
    passed = [(c.item_id, c.expected, c.text) for r in rows.values() for c, _ in r.failures if c.expected != "correct"]
    assert passed == []
    assert right / right_total >= 0.9, [(c.item_id, c.text) for r in rows.values() for c, _ in r.failures]


@pytest.mark.parametrize(("text", "phrase", "negated"), [
    ("검색을 통해 근거를 찾습니다", "검색", False),
    ("검색을 하지 않고 파인튜닝한다", "검색", True),
    ("검색이 필요 없다", "검색", True),
    ("검색 없이 답한다", "검색", True),
    ("RAG 말고 파인튜닝을 쓴다", "rag", True),
    ("파인튜닝 대신 검색을 쓴다", "파인튜닝", True),
    ("파인튜닝 대신 검색을 쓴다", "검색", False),
    ("출처를 안 밝힌다", "출처", True),
    ("출처를 못 찾는다", "출처", True),
    ("인용하지 않으면 안 된다", "인용", False),
    ("검색하지 않고, 근거를 인용한다", "인용", False),
])
def test_korean_negation_scope(text: str, phrase: str, negated: bool) -> None:
    tokens = tokenise(text)
    matches = find(tokens, phrase, stem_index(tokens))
    assert matches and all(m.negated is negated for m in matches)


@pytest.mark.parametrize(("text", "phrase"), [("검색을 했다", "검색"), ("문서를 가져와서", "가져오"),
                                              ("본 적이 없는 데이터", "본 적 없"), ("C2PA가 표준이다", "c2pa"),
                                              ("retrieval로 찾는다", "retriev")])
def test_korean_phrases_match_stems_not_inflected_words(text: str, phrase: str) -> None:
    tokens = tokenise(text)
    assert find(tokens, phrase, stem_index(tokens))


def test_english_reading_is_unchanged() -> None:
    tokens = tokenise("We don't retrain the model; we retrieve passages.")
    assert [m.negated for m in find(tokens, "retrain", stem_index(tokens))] == [True]
    assert all(t.eojeol == -1 for t in tokens)
