"""CLI errors and learner tables in the learner's language (--lang, SKILLCOACH_LANG); English as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plan_helpers import cli, write_csv


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLCOACH_LANG", "en")


def test_an_unknown_learner_is_refused_in_korean_with_lang_ko(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    korean = cli(capsys, monkeypatch, tmp_path, "chat", "--learner", "nobody", "--jsonl", "--lang", "ko")
    assert korean.code == 2 and korean.err.startswith("error: 학습자 'nobody'이(가) 없습니다.")
    assert "--new-learner" in korean.err and len(korean.err.splitlines()) == 1
    english = cli(capsys, monkeypatch, tmp_path, "chat", "--learner", "nobody", "--jsonl")
    assert english.err == ("error: no learner 'nobody': check the id (see 'skillcoach learner list'), "
                           "or add --new-learner to create it\n"), "English unchanged, --lang not kept across runs"


def test_csv_and_id_errors_follow_skillcoach_lang(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bad = write_csv(tmp_path, "who,name\nada,Ada\n")
    english = cli(capsys, monkeypatch, tmp_path, "learner", "import", str(bad))
    assert english.code == 2 and "the header must name columns from" in english.err
    monkeypatch.setenv("SKILLCOACH_LANG", "ko")
    korean = cli(capsys, monkeypatch, tmp_path, "learner", "import", str(bad))
    assert korean.code == 2 and "1행: 헤더는" in korean.err and "who,name" in korean.err
    assert "없습니다" in cli(capsys, monkeypatch, tmp_path, "learner", "import", str(tmp_path / "none.csv")).err
    assert "잘못된 학습자 ID" in cli(capsys, monkeypatch, tmp_path, "learner", "show", "a b").err


def test_learner_list_and_show_headings_in_korean(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cli(capsys, monkeypatch, tmp_path, "learner", "add", "mina").code == 0
    english = cli(capsys, monkeypatch, tmp_path, "learner", "list")
    assert "minutes/week" in english.out and "(all skills)" in english.out
    korean = cli(capsys, monkeypatch, tmp_path, "learner", "list", "--lang", "ko")
    assert "학습자 목록" in korean.out and "주당 분" in korean.out and "minutes/week" not in korean.out
    shown = cli(capsys, monkeypatch, tmp_path, "learner", "show", "mina", "--lang", "ko")
    assert "숙달한 학습 목표: 0" in shown.out and "계획된 주: 아직 없음" in shown.out and "목표: 모든 스킬" in shown.out
    assert "objectives mastered: 0" in cli(capsys, monkeypatch, tmp_path, "learner", "show", "mina").out
