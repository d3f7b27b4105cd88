"""``skillcoach curriculum grade``: an author tests a rubric from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration
ITEM = "prompt-engineering/prompts-as-code/q7"


def grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillcoach", "curriculum", "grade", *args],
                          capture_output=True, text=True)


def test_json_report_has_exactly_the_documented_keys() -> None:
    result = grade(ITEM, "Version the prompt in git, run the eval set against the baseline, then roll it out "
                         "gradually while monitoring.", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"verdict", "score", "confidence", "found", "missing", "violations"}
    assert data["verdict"] == "correct" and data["missing"] == [] and 0 < data["confidence"] <= 1


def test_a_negated_answer_is_wrong_and_the_text_report_names_what_is_missing() -> None:
    result = grade(ITEM, "Just edit the prompt directly in production; versioning, testing and monitoring are "
                         "unnecessary overhead.")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("verdict: wrong")
    assert "missing: versioning" in result.stdout and "violations: A prompt change is a code change" in result.stdout


def test_unknown_item_is_one_clear_line_and_exit_2() -> None:
    result = grade("no/such/item", "anything")
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "no item with id 'no/such/item'" in result.stderr and "Traceback" not in result.stderr
