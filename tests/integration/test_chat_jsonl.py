"""The ``chat --jsonl`` face, as a program would drive it, including kill -9 and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.storage.store import Store
from tests.conftest import CURRICULUM
from tests.helpers import reply_for

pytestmark = pytest.mark.integration
CUR = load_curriculum(CURRICULUM)


class Chat:
    """A ``skillcoach chat --jsonl`` child process, read event by event."""

    def __init__(self, data_dir: Path, learner: str, *extra: str):
        env = {**os.environ, "SKILLCOACH_DATA_DIR": str(data_dir)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "skillcoach", "chat", "--learner", learner, "--jsonl", "--new-learner", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def until_awaiting(self) -> list[dict[str, Any]]:
        events = []
        while True:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            assert line, f"coach exited early: {self.proc.stderr.read()}"  # type: ignore[union-attr]
            events.append(json.loads(line))
            if events[-1]["awaiting"] or events[-1]["type"] == "summary":
                return events

    def next_event(self) -> dict[str, Any]:
        return json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]

    def send(self, message: dict[str, Any]) -> None:
        self.proc.stdin.write(json.dumps(message) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]


def test_jsonl_session_runs_to_summary_and_exits_zero(tmp_path: Path) -> None:
    chat = Chat(tmp_path, "ada", "--minutes", "8")
    events = chat.until_awaiting()
    chat.send({"answer": "not now"})  # on a lesson: a protocol error, session unchanged
    assert chat.next_event()["type"] == "error"
    chat.send({"command": "continue"})
    while events[-1]["type"] != "summary":
        events = chat.until_awaiting()
        if events[-1]["awaiting"]:
            chat.send(reply_for(CUR, events[-1]))
    assert chat.proc.wait(timeout=30) == 0
    assert events[-1]["stats"]["answered"] >= 1


def test_invalid_json_lines_get_an_error_event(tmp_path: Path) -> None:
    chat = Chat(tmp_path, "bo")
    chat.until_awaiting()
    chat.send({"command": "continue"})
    question = chat.until_awaiting()[-1]
    chat.proc.stdin.write("this is not json\n[1, 2]\n")  # type: ignore[union-attr]
    chat.proc.stdin.flush()  # type: ignore[union-attr]
    lines = [chat.next_event(), chat.next_event()]
    assert [e["type"] for e in lines] == ["error", "error"]
    chat.send({"command": "quit"})
    assert chat.until_awaiting()[-1]["type"] == "summary"
    assert chat.proc.wait(timeout=30) == 0
    assert question["type"] == "question"


def test_kill_nine_at_any_point_loses_no_answer_and_counts_none_twice(tmp_path: Path) -> None:
    acknowledged = 0
    for round_ in range(4):
        chat = Chat(tmp_path, "cy", "--minutes", "30")
        events = chat.until_awaiting()
        if round_ > 0:
            assert events[0]["text"].startswith("Welcome back")
        for _ in range(2):  # two answered turns, each acknowledged by feedback
            pending = events[-1]
            chat.send(reply_for(CUR, pending))
            events = chat.until_awaiting()
            acknowledged += sum(1 for e in events if e["type"] == "feedback")
        chat.send(reply_for(CUR, events[-1]))  # then die while this one is in flight
        chat.proc.send_signal(signal.SIGKILL)
        chat.proc.wait(timeout=30)
    attempts = Store(f"sqlite:///{tmp_path / 'skillcoach.db'}").attempts(learner_id="cy")
    keys = [(a.session_id, a.turn) for a in attempts]
    assert len(keys) == len(set(keys)), "no answer counted twice"
    assert len({a.session_id for a in attempts}) == 1, "every run resumed the same session"
    assert acknowledged <= len(attempts) <= acknowledged + 4, "no acknowledged answer lost"


def test_progress_json_and_bad_learner_id(tmp_path: Path) -> None:
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path)}
    run = [sys.executable, "-m", "skillcoach"]
    unknown = subprocess.run([*run, "progress", "--learner", "ada", "--json"], capture_output=True, text=True,
                             env=env)
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and "no learner 'ada'" in unknown.stderr
    bad = subprocess.run([*run, "chat", "--learner", "../../etc", "--jsonl"], capture_output=True, text=True,
                         env=env, stdin=subprocess.DEVNULL)
    assert bad.returncode == 2 and "invalid learner id" in bad.stderr and "Traceback" not in bad.stderr
