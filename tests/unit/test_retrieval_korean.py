"""Korean retrieval: Korean questions find Korean passages of the right objective; English ones stay English."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.korean import HANGUL, search_terms
from skillcoach.curriculum.search import CurriculumIndex
from tests.conftest import CURRICULUM

QUESTIONS = yaml.safe_load((Path(__file__).parents[1] / "data" / "retrieval" / "ko.yaml").read_text(encoding="utf-8"))
MIN_TOP3_HIT_RATE = 0.9


@pytest.fixture(scope="module")
def index() -> CurriculumIndex:
    return CurriculumIndex(load_curriculum(CURRICULUM))


def test_korean_top3_hit_rate(index: CurriculumIndex, capsys: pytest.CaptureFixture[str]) -> None:
    questions = QUESTIONS["questions"]
    assert len(questions) >= 30
    results = {row["q"]: [p.objective_id for p in index.search(row["q"], k=3)] for row in questions}
    misses = {row["q"]: results[row["q"]] for row in questions if row["objective"] not in results[row["q"]]}
    rate = 1 - len(misses) / len(questions)
    with capsys.disabled():
        print(f"\nretrieval top-3 hit rate (ko): {rate:.0%} over {len(questions)} questions")
    assert rate >= MIN_TOP3_HIT_RATE, misses


@pytest.mark.parametrize("query", ["Agentic RAG는 뭐가 달라?", "C2PA가 뭔가요?", "Zapier는 뭐예요?"])
def test_korean_question_gets_korean_passages(index: CurriculumIndex, query: str) -> None:
    hits = index.search(query, k=3)
    assert hits and all(HANGUL.search(p.text) for p in hits)


def test_english_question_gets_english_passages_from_a_korean_curriculum() -> None:
    index = CurriculumIndex(load_curriculum(CURRICULUM, lang="ko"))
    hits = index.search("What is LoRA?", k=3)
    assert hits and not any(HANGUL.search(p.text) for p in hits)
    assert hits[0].objective_id == "fine-tuning/methods-and-data"
    assert all(HANGUL.search(p.text) for p in index.search("LoRA가 뭔가요?", k=3))


def test_particles_glued_to_english_names_are_split_off() -> None:
    assert search_terms("C2PA가 뭔가요?") == ["c2pa"]
    assert "zapier" in search_terms("Zapier는")
    assert "검색" in search_terms("검색을 했습니다")



def test_korean_passages_cite_their_sources_in_korean(index: CurriculumIndex) -> None:
    hit = index.search("C2PA가 뭔가요?", k=1)[0]
    assert "로 시작하는 부분" in hit.source or "「" in hit.source
    assert "part opening" not in hit.source and "undated" not in hit.source
    english = index.search("What is C2PA?", k=1)[0]
    assert "part opening" in english.source or "“" in english.source


def test_a_korean_lesson_cites_its_figures_in_korean() -> None:
    from agents.composer import OfflineComposer

    curriculum = load_curriculum(CURRICULUM, lang="ko")
    objective = curriculum.objective("video-generation/production-and-ethics")
    lesson = OfflineComposer().for_language("ko").lesson(objective, "이유")
    assert "로 시작하는 부분" in lesson and "part opening" not in lesson
