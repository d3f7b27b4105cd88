"""The Korean curriculum: loaded over the English one, same ids, fallbacks and inconsistencies reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from skillcoach.curriculum.bilingual import HANGUL, check_languages, figure_problem, numbers
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.settings import Settings
from tests.conftest import CURRICULUM


def test_korean_curriculum_has_the_english_ids_and_korean_text() -> None:
    en, ko = load_curriculum(CURRICULUM), load_curriculum(CURRICULUM, lang="ko")
    assert ko.locale == "ko" and en.locale == "en"
    assert list(ko.items) == list(en.items) and ko.order == en.order
    assert HANGUL.search(ko.objective("rag/why-rag").explanation)
    assert not HANGUL.search(en.objective("rag/why-rag").explanation)
    assert en.localized("ko") is ko and ko.localized("en") is en


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM, target)
    return target


def test_missing_korean_field_falls_back_to_english_and_is_reported(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "ko" / "rag.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["objectives"][0]["example"]
    mcq = next(i for i in data["objectives"][0]["items"] if i["kind"] == "mcq")
    mcq["answer"] = next(c["key"] for c in mcq["choices"] if c["key"] != mcq["answer"])
    mcq["choices"] = [{**c, "feedback": c.get("feedback") or "틀린 선택지입니다."} for c in mcq["choices"]]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ko = load_curriculum(directory, lang="ko")
    assert ko.objective("rag/why-rag").example == load_curriculum(directory).objective("rag/why-rag").example
    lines = [str(p) for p in check_languages(directory)]
    assert "ko/rag.yaml: objectives[rag/why-rag].example: missing in ko; English shown" in lines
    assert f"ko/rag.yaml: objectives[rag/why-rag].items[{mcq['id']}].answer" in "\n".join(lines)


def test_changed_figure_and_dropped_misconception_are_reported(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "ko" / "multimodal.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("misconception: ", "misconception_x: ", 1), encoding="utf-8")
    lines = [str(p) for p in check_languages(directory)]
    assert any(line.startswith("ko/multimodal.yaml") for line in lines)


def test_figures_compare_across_languages() -> None:
    assert numbers("18 billion dollars, 1,000 users, $930 million") == numbers(
        "180억 달러, 1000명의 사용자, 9억 3천만 달러")
    assert figure_problem("As of December 2025, about ten lines", "2025년 12월 기준 약 10줄") is None
    assert figure_problem("grew 3.7% to $5.45 billion", "37% 늘어 54.5억 달러") is not None
    assert figure_problem("by 2028", "2027년까지") is not None


def test_shipped_korean_curriculum_is_complete_and_consistent() -> None:
    assert [str(p) for p in check_languages(CURRICULUM)] == []


@pytest.mark.parametrize(("env", "lang"), [({"SKILLCOACH_LANG": "ko"}, "ko"), ({"LANG": "ko_KR.UTF-8"}, "ko"),
                                           ({"LANG": "fr_FR.UTF-8"}, "en"), ({}, "en"),
                                           ({"LC_ALL": "ko_KR.UTF-8", "SKILLCOACH_LANG": "en"}, "en")])
def test_lang_setting_defaults_from_the_locale(monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                               lang: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.lang == lang and settings.locale == lang
