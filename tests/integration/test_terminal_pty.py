"""The terminal face driven under a pseudo-terminal at 80x24, as a person would use it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the terminal tests (pip install -e '.[test]')")

pytestmark = pytest.mark.integration
TIMEOUT = 60


def spawn(data_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(data_dir), "TERM": "xterm", "COLUMNS": "80", "LINES": "24"}
    env.pop("SKILLCOACH_MODEL", None)
    return pexpect.spawn(sys.executable, ["-m", "skillcoach", "chat", "--learner", "ada", *args], env=env,
                         dimensions=(24, 80), timeout=TIMEOUT, encoding="utf-8")


def wait_exit(child) -> int:  # type: ignore[no-untyped-def]
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def test_unknown_learner_is_asked_about_and_nothing_is_created_on_no(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect_exact("create learner 'ada'? [y/N]")
    child.sendline("n")
    child.expect_exact("Nothing created.")
    assert wait_exit(child) == 1


def start(tmp_path: Path):  # type: ignore[no-untyped-def]
    child = spawn(tmp_path)
    child.expect_exact("create learner 'ada'? [y/N]")
    child.sendline("y")
    child.expect(r"Explanation.*1/\d+")
    child.expect_exact("Enter: go on")
    return child


def page_to_question(child) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        child.sendline("")
        if child.expect([r"Enter: go on", r"Enter: start practising"]) == 1:
            child.sendline("")
            child.expect(r"Question 1")
            child.expect_exact("> ")
            return
    raise AssertionError("the lesson never ended")


def test_a_session_pages_the_lesson_answers_a_question_mid_lesson_and_resumes(tmp_path: Path) -> None:
    child = start(tmp_path)
    child.sendline("")
    child.expect_exact("Check your understanding")
    child.sendline("?what is a structured prompt")
    shown = ""
    # An answer with long citations fills a screen of its own; the notice then waits for Enter.
    if child.expect_exact(["Back to the lesson", "Enter: go on"]) == 1:
        shown = child.before
        child.sendline("")
        child.expect_exact("Back to the lesson")
    shown += child.before
    assert "Here is what the curriculum says" in shown
    assert "Explanation (" not in shown, "the answer does not re-send the lesson"
    child.expect_exact("Enter: go on")
    page_to_question(child)
    child.sendline("/help")
    child.expect_exact("Commands")
    child.expect_exact("/progress")
    child.sendline("/progress")
    child.expect_exact("Progress of ada")
    child.expect_exact("Reviews")
    child.expect(r"streak")
    child.sendline("1")
    child.expect(r"Correct\.|Not quite\.|Partly right\.")
    child.expect(r"Mastery of this objective: \d+%")
    child.sendeof()
    child.expect_exact("Session saved")
    assert wait_exit(child) == 0
    again = spawn(tmp_path)
    again.expect_exact("Welcome back")
    again.expect(r"Question 2")
    again.sendeof()
    assert wait_exit(again) == 0


def test_hostile_input_is_shown_literally_and_never_ends_the_session(tmp_path: Path) -> None:
    child = start(tmp_path)
    page_to_question(child)
    child.sendline("[b]")
    child.expect_exact("'[b]'")
    child.sendline("/foo[/dim]")
    child.expect_exact("Unknown command 'foo[/dim]'")
    child.sendline("<ticket> [red]x[/red]")
    child.expect_exact("<ticket> [red]x[/red]")
    child.sendline("/progress")
    child.expect_exact("Progress of ada")
    child.sendeof()
    assert wait_exit(child) == 0
    assert "Traceback" not in (child.before or "") and "This is a bug" not in (child.before or "")
