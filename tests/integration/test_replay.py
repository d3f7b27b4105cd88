"""Replay: reproduce a recorded session exactly, fork it with a changed grader or prompt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skillcoach.app.api import Coach
from skillcoach.app.replay.engine import ReplayError, replay_session
from skillcoach.settings import REPO_ROOT, Settings
from skillcoach.storage.models import Turn
from tests.fakes import ScriptedChatModel, tool_call
from tests.helpers import reply_for, right_answer
from tests.openai_stub import OpenAIStub

pytestmark = pytest.mark.integration


def judge(verdict: str, score: float) -> Any:
    return tool_call("JudgeVerdict", {"verdict": verdict, "score": score, "missing_points": [],
                                      "feedback": f"judged {verdict}"})


def record_session(settings: Settings, learner: str = "ada", models: dict[str, Any] | None = None,
                   minutes: int = 25, right_short_answers: bool = False) -> str:
    """A scripted session with right and wrong answers, questions, and short answers (all right if asked)."""
    with Coach(settings, models=models) as coach:
        earlier = coach.session(learner, 6)
        earlier.start()
        while not earlier.finished:
            earlier.send(reply_for(coach.curriculum, earlier.pending))
        session = coach.session(learner, minutes, new=True)
        session.start()
        n = 0
        while not session.finished:
            n += 1
            pending = session.pending
            if n == 2:
                session.ask("what is chain of thought?")
            elif pending["type"] == "question" and pending["kind"] != "short_answer" and n % 2:
                session.command("skip")  # steer towards short answers, which the judge grades
            else:
                short = pending["type"] == "question" and pending["kind"] == "short_answer"
                session.send(reply_for(coach.curriculum, pending,
                                       wrong=(n % 5 == 0) and not (short and right_short_answers)))
        return session.id


def snapshot(settings: Settings) -> tuple[list[Any], list[Any]]:
    with Coach(settings) as coach:
        turns = [(t.session_id, t.number, t.record) for s in coach.store.list_sessions()
                 for t in coach.store.turns(s.id)]
        attempts = [(a.session_id, a.turn, a.verdict, a.mastery_after) for a in coach.store.attempts()]
    return turns, attempts


def test_offline_session_replays_identically_and_leaves_the_original_alone(settings: Settings) -> None:
    sid = record_session(settings)
    before = snapshot(settings)
    result = replay_session(settings, sid)
    assert result.identical, result.differences()
    assert len(result.replayed) == len(result.original) > 5
    assert result.replay_session_id != sid
    assert snapshot(settings) == before


def test_recorded_model_outputs_are_fed_back(settings: Settings) -> None:
    models = {"reviewer": ScriptedChatModel(replies=[judge("correct", 1.0), judge("partial", 0.5)])}
    sid = record_session(settings, models=models)
    assert any(t.record.get("llm") for t in Coach(settings).store.turns(sid))
    result = replay_session(settings, sid)  # no model is called: the recorded outputs play back
    assert result.identical, result.differences()


def test_fork_with_a_changed_grader_shows_the_diff(settings: Settings) -> None:
    # Right short answers: the rubric grades them correct, so the judge decides and a stricter judge
    # lowers the verdict. (A model "correct" against a confident rubric "wrong" is only a dispute: the
    # rubric's grade stands, so a wrong short answer would show no verdict change.)
    lenient = {"reviewer": ScriptedChatModel(replies=[judge("correct", 1.0)])}
    sid = record_session(settings, models=lenient, right_short_answers=True)
    strict = {"reviewer": ScriptedChatModel(replies=[judge("wrong", 0.0)])}
    result = replay_session(settings, sid, from_turn=1, fork_models=strict)
    diffs = result.differences()
    assert not result.identical
    assert {name for _, name, _, _ in diffs} >= {"verdict", "score", "mastery"}
    assert all(turn >= 1 for turn, *_ in diffs)
    changed = [(before, after) for _, name, before, after in diffs if name == "verdict"]
    assert ("correct", "wrong") in changed


def corrupt(settings: Settings, sid: str, number: int, **values: Any) -> None:
    with Coach(settings) as coach, coach.store.transaction() as db:
        turn = db.query(Turn).filter_by(session_id=sid, number=number).one()
        for key, value in values.items():
            setattr(turn, key, value)


def test_bad_requests_are_clear_errors(settings: Settings, tmp_path: Path) -> None:
    sid = record_session(settings, minutes=8)
    with pytest.raises(ReplayError, match="unknown session"):
        replay_session(settings, "no-such-session")
    with pytest.raises(ReplayError, match="out of range"):
        replay_session(settings, sid, from_turn=999)
    partial_prompts = tmp_path / "prompts"
    partial_prompts.mkdir()
    shutil.copy(REPO_ROOT / "prompts" / "tutor_lesson.md", partial_prompts)
    with pytest.raises(ReplayError, match="lacks: .*reviewer_judge"):
        replay_session(settings, sid, from_turn=1, prompts_dir=partial_prompts)
    corrupt(settings, sid, 2, record={"no": "route"})
    with pytest.raises(ReplayError, match="turn 2 is corrupt"):
        replay_session(settings, sid)
    with Coach(settings) as coach, coach.store.transaction() as db:
        db.query(Turn).filter_by(session_id=sid, number=1).delete()
    with pytest.raises(ReplayError, match="turn 1 is missing"):
        replay_session(settings, sid)


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillcoach", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_cli_fork_with_a_changed_prompt_through_a_real_provider_client(tmp_path: Path) -> None:
    with OpenAIStub() as stub:
        env = {"SKILLCOACH_DATA_DIR": str(tmp_path / "data"), "SKILLCOACH_MODEL": "openai:stub-model",
               "SKILLCOACH_MODEL_BASE_URL": stub.base_url, "SKILLCOACH_MODEL_API_KEY": "not-a-key",
               "SKILLCOACH_MODEL_RETRIES": "0"}
        settings = Settings(data_dir=tmp_path / "data", model="openai:stub-model", model_base_url=stub.base_url,
                            model_api_key="not-a-key", model_retries=0)
        sid = record_session(settings, models=None)
        listed = json.loads(cli(env, "replay", "list", "--json").stdout)
        assert sid in {row["session_id"] for row in listed}
        same = cli(env, "replay", "run", sid)
        assert same.returncode == 0 and "identical" in same.stdout, same.stdout + same.stderr
        strict = tmp_path / "strict-prompts"
        shutil.copytree(REPO_ROOT / "prompts", strict)
        judge_prompt = strict / "reviewer_judge.md"
        judge_prompt.write_text(judge_prompt.read_text().replace("Grade the ideas", "Be STRICT. Grade the ideas"))
        forked = cli(env, "replay", "run", sid, "--from-turn", "1", "--prompts", str(strict))
    assert forked.returncode == 1, forked.stdout + forked.stderr
    assert "difference(s)" in forked.stdout and "partial" in forked.stdout
    shown = json.loads(cli(env, "replay", "show", sid, "--turn", "0", "--json").stdout)
    assert shown["turns"][0]["route"][0] == "planner" and shown["turns"][0]["checkpoints"]


def test_short_answers_are_in_the_recorded_session(settings: Settings) -> None:
    sid = record_session(settings)
    with Coach(settings) as coach:
        kinds = {coach.curriculum.item(a.item_id).kind.value for a in coach.store.attempts(session_id=sid)}
        assert "short_answer" in kinds
        item = coach.curriculum.item(next(a.item_id for a in coach.store.attempts(session_id=sid)))
        assert right_answer(item)
