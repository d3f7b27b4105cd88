"""A Korean learner's whole session (``chat --lang ko --jsonl``), and a language switch mid-course."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from skillcoach.app.api import Coach
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.i18n import catalog_path
from skillcoach.storage.learners import get_profile
from tests.conftest import CURRICULUM
from tests.helpers import reply_for

pytestmark = pytest.mark.integration
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KO = load_curriculum(CURRICULUM, "ko")


def _english_fixed_strings() -> list[str]:
    """The literal parts of every catalog msgid (the English a Korean session must never show)."""
    with catalog_path("ko").open("rb") as po:
        ids = [str(m.id) for m in read_po(po) if m.id]
    parts = [part.strip(" .:*#()_") for msgid in ids for part in re.split(r"\{[^}]*\}", msgid)]
    return [part for part in parts if len(part) >= 12]


def _chat(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(data_dir)}
    return subprocess.Popen([sys.executable, "-m", "skillcoach", "chat", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _drive_to_summary(proc: subprocess.Popen[str]) -> list[dict[str, Any]]:
    assert proc.stdin is not None and proc.stdout is not None
    events: list[dict[str, Any]] = []
    for _ in range(120):
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "coach exited early"
        events.append(json.loads(line))
        last = events[-1]
        if last["type"] == "summary":
            return events
        if last["awaiting"]:
            n = sum(e["type"] == "question" for e in events)
            message = reply_for(KO, last, wrong=n % 3 == 0)
            if n == 2 and last["type"] == "question":
                message = {"command": "hint"} if not any(e.get("hint") for e in events) else message
            proc.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
            proc.stdin.flush()
    raise AssertionError("the session never reached its summary")


@pytest.mark.slow  # a child process through a whole session
def test_a_korean_session_speaks_korean_from_plan_to_summary(tmp_path: Path) -> None:
    proc = _chat(tmp_path, "--learner", "지민", "--lang", "ko", "--jsonl", "--new-learner", "--minutes", "10")
    events = _drive_to_summary(proc)
    assert proc.wait(timeout=30) == 0
    types = {e["type"] for e in events}
    assert {"plan", "lesson", "question", "feedback", "summary"} <= types and any(e.get("hint") for e in events)
    english = _english_fixed_strings()
    for ev in events:
        assert HANGUL.search(ev["text"]), ev
        leftovers = [s for s in english if s in ev["text"]]
        assert leftovers == [], (ev["type"], leftovers)
    for ev in events:
        for section in ev.get("sections", []):
            assert HANGUL.search(section["title"] + section["text"]), section


@pytest.mark.slow  # a child process
def test_an_unknown_language_is_one_line(tmp_path: Path) -> None:
    proc = _chat(tmp_path, "--learner", "ada", "--lang", "fr", "--jsonl", "--new-learner")
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert err.strip().count("\n") == 0 and "unknown language 'fr'" in err


def test_switching_language_mid_course_keeps_progress(coach: Coach) -> None:
    session = coach.session("mina", 30, lang="en")
    events = session.start()
    for _ in range(6):  # answer in English
        events += session.send(reply_for(coach.curriculum, session.pending))  # type: ignore[arg-type]
    assert any(e["type"] == "feedback" for e in events)
    before = {oid: s.knowledge.p_mastery for oid, s in coach.store.states("mina").items()}
    attempts = len(coach.store.attempts(learner_id="mina"))
    assert before and get_profile(coach.store, "mina").lang == "en"

    switched = coach.session("mina", 30, lang="ko")  # the open session, now in Korean
    assert get_profile(coach.store, "mina").lang == "ko"
    switched.start()
    assert {oid: s.knowledge.p_mastery for oid, s in coach.store.states("mina").items()} == before
    assert len(coach.store.attempts(learner_id="mina")) == attempts
    later: list[dict[str, Any]] = []
    while not any(e["type"] == "question" for e in later):
        later += switched.send(reply_for(KO, switched.pending))  # type: ignore[arg-type]
    question = next(e for e in later if e["type"] == "question")
    assert HANGUL.search(question["text"]) and question["item_id"] in coach.curriculum.items
    # the stored language is used when no flag is given
    assert coach.session("mina", 30).lang == "ko"


def test_model_prompts_ask_for_the_learners_language(settings: Any) -> None:
    from tests.fakes import ScriptedChatModel, text

    tutor = ScriptedChatModel(replies=[text("## 모델이 쓴 수업\n구조화된 프롬프트를 설명합니다.")])
    with Coach(settings, models={"tutor": tutor}) as coach:
        korean = coach.session("jimin", lang="ko")
        lesson = next(e for e in korean.start() if e["type"] == "lesson")
        assert lesson["text"].startswith("## 모델이 쓴 수업")
        prompt = "\n".join(str(m.content) for m in tutor.calls[0])
        assert "Write everything the learner reads in Korean" in prompt
        assert HANGUL.search(prompt), "the objective material is the Korean curriculum"
        coach.session("ada", lang="en").start()
        english = "\n".join(str(m.content) for m in tutor.calls[1])
        assert "Write everything the learner reads in English." in english and "Korean" not in english
