"""``skillcoach ask``: cited answers, and bad questions handled."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def ask(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillcoach", "ask", *args], capture_output=True, text=True)


def test_ask_json_has_answer_and_citations() -> None:
    result = ask("What is the lethal trifecta?", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answer"] and data["citations"]
    assert set(data["citations"][0]) == {"skill_id", "objective_id", "source", "text",
                                         "source_title", "source_title_en", "source_date", "heading"}
    assert ".txt" not in data["citations"][0]["source"] and data["citations"][0]["source_title"]
    assert data["citations"][0]["objective_id"] == "ai-security/prompt-injection"


def test_empty_question_is_a_clear_error() -> None:
    result = ask("   ")
    assert result.returncode == 2 and "question is empty" in result.stderr and "Traceback" not in result.stderr


def test_long_question_is_truncated_with_a_notice() -> None:
    result = ask("What is RAG? " * 200, "--json")
    assert result.returncode == 0
    assert any("cut to its first" in n for n in json.loads(result.stdout)["notices"])


def test_question_in_another_language_gets_a_best_effort() -> None:
    result = ask("RAG란 무엇인가요?", "--json")
    assert result.returncode == 0 and "answer" in json.loads(result.stdout)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillcoach", *args], capture_output=True, text=True, env=env)


def test_curriculum_list_json_counts_every_skill() -> None:
    result = run("curriculum", "list", "--json")
    rows = json.loads(result.stdout)
    assert len(rows) >= 12
    assert {"prompt-engineering", "workflow-automation", "ai-agents", "rag", "fine-tuning", "multimodal",
            "video-generation", "tool-stacking", "llm-evaluation"} <= {r["id"] for r in rows}
    for row in rows:
        assert row["objectives"] >= 3 and row["items"] >= 6 * row["objectives"]
        assert row["items_by_kind"].get("short_answer", 0) >= row["objectives"]


def test_curriculum_validate_reports_file_field_problem(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import shutil

    from tests.conftest import CURRICULUM

    for name in ("sources.yaml", "prompt-engineering.yaml"):
        shutil.copy(CURRICULUM / name, tmp_path / name)
    text = (tmp_path / "prompt-engineering.yaml").read_text().replace("kind: mcq", "kind: essay", 1)
    (tmp_path / "prompt-engineering.yaml").write_text(text)
    env = {**os.environ, "SKILLCOACH_CURRICULUM_DIR": str(tmp_path)}
    result = run("curriculum", "validate", env=env)
    assert result.returncode == 1
    assert result.stdout.startswith("prompt-engineering.yaml: objectives[prompt-engineering/")
    assert ".kind: Input should be" in result.stdout
    whole = run("curriculum", "validate")
    assert whole.returncode == 0
    assert "\nok: ko: every text translated;" in whole.stdout  # the shipped curriculum is bilingual


def test_curriculum_validate_reports_what_a_translation_lacks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import shutil

    from tests.conftest import CURRICULUM

    shutil.copytree(CURRICULUM, tmp_path / "curriculum")
    (tmp_path / "curriculum" / "ko" / "rag.yaml").unlink()
    env = {**os.environ, "SKILLCOACH_CURRICULUM_DIR": str(tmp_path / "curriculum")}
    result = run("curriculum", "validate", env=env)
    assert result.returncode == 1 and "ok: ko" not in result.stdout
    assert "ko/rag.yaml: objectives[rag/why-rag]" in result.stdout and "(not translated?)" in result.stdout


def test_curriculum_show_and_unknown_id() -> None:
    shown = run("curriculum", "show", "rag/why-rag")
    assert shown.returncode == 0 and "title:" in shown.stdout
    missing = run("curriculum", "show", "nope")
    assert missing.returncode == 2 and "no skill, objective or item" in missing.stderr
