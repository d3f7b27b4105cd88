"""Crash-consistent sessions: kill -9 at random writes, resume, and ``replay run`` reproduces every session.

Seeded and bounded for CI (``SKILLCOACH_KILL_TRIALS``, default 30); the soak run raises the count.
Each trial: a forked child runs a scripted session and SIGKILLs itself at a random write (before or
after a checkpoint, a turn record or an attempt); the parent resumes the session to its end; then
every session of the learner must replay identically, no answer may be lost or counted twice, and
every turn must carry its learner input.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skillcoach.app.replay.engine import replay_session
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.settings import Settings
from skillcoach.storage.store import Store
from tests.conftest import CURRICULUM
from tests.crash import run_child, scripted_session
from tests.helpers import reply_for
from tests.integration.test_chat_jsonl import Chat
from tests.integration.test_postgres import pg_url  # noqa: F401 - the fresh-database fixture

pytestmark = pytest.mark.integration
CUR = load_curriculum(CURRICULUM)
TRIALS = int(os.environ.get("SKILLCOACH_KILL_TRIALS", "30"))
PG_TRIALS = int(os.environ.get("SKILLCOACH_KILL_TRIALS_PG", "10"))
SEED = int(os.environ.get("SKILLCOACH_KILL_SEED", "1616"))


def _check_session(settings: Settings, session_id: str) -> None:
    store = Store(settings.resolved_database_url)
    turns = store.turns(session_id)
    assert [t.number for t in turns] == list(range(len(turns))), "turns are numbered without gaps"
    for turn in turns[1:]:
        assert {"answer", "ask", "command"} & set(turn.learner_input or {}), f"turn {turn.number} lost its input"
        assert not turn.record.get("pending"), f"turn {turn.number} was never completed"
    graded = {t.number for t in turns if t.record.get("grade")}
    attempts = [a.turn for a in store.attempts(session_id=session_id)]
    assert len(attempts) == len(set(attempts)), "an answer was counted twice"
    assert graded == set(attempts), "every graded turn has exactly its attempt, and no attempt is unshown"
    result = replay_session(settings, session_id)
    assert result.identical, result.differences()


def _campaign(tmp_path: Path, trials: int, database_url: str | None = None) -> None:
    rng = random.Random(SEED)

    def settings_for(name: str) -> Settings:
        return Settings(data_dir=tmp_path / name, database_url=database_url)

    count_file = tmp_path / "count"
    run_child(lambda: scripted_session(settings_for("dry"), CUR, "dry", SEED), 0, count_file)
    writes = int(count_file.read_text())
    assert writes > 20, "the scripted session is long enough to kill in many places"
    killed = 0
    for trial in range(trials):
        settings, learner = settings_for(f"trial{trial}"), f"kim{trial}"
        seed, kill_at = rng.randrange(10**6), rng.randint(1, writes)
        killed += run_child(lambda: scripted_session(settings, CUR, learner, seed), kill_at)  # noqa: B023
        session = scripted_session(settings, CUR, learner, seed + 1)  # resume in this process, to the end
        assert session.finished, f"trial {trial}: the resumed session did not finish"
        _check_session(settings, session.id)
    assert killed >= trials * 0.8, f"only {killed} of {trials} trials were actually killed"


@pytest.mark.timeout(900)  # wall time on a shared CI box; about 1 s of CPU per trial
def test_sessions_killed_at_random_writes_resume_and_replay_exactly(tmp_path: Path) -> None:
    _campaign(tmp_path, TRIALS)


@pytest.mark.postgres
@pytest.mark.timeout(900)
def test_on_postgres_too(tmp_path: Path, pg_url: str) -> None:  # noqa: F811
    _campaign(tmp_path, PG_TRIALS, pg_url)


@pytest.mark.timeout(300)
def test_cli_session_killed_mid_answer_resumes_and_replay_run_all_reproduces_it(tmp_path: Path) -> None:
    """The same promise end to end: real ``chat --jsonl`` processes, a real SIGKILL, the real ``replay run``."""
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path)}
    rng = random.Random(SEED)
    chat = Chat(tmp_path, "cli", "--minutes", "5")
    events = chat.until_awaiting()
    chat.send(reply_for(CUR, events[-1]))
    events = chat.until_awaiting()
    chat.send(reply_for(CUR, events[-1]))
    time.sleep(rng.uniform(0.0, 0.3))  # somewhere inside (or just after) the answer's step
    chat.proc.send_signal(signal.SIGKILL)
    chat.proc.wait(timeout=30)
    chat = Chat(tmp_path, "cli")
    events = chat.until_awaiting()
    while events[-1]["type"] != "summary":
        chat.send(reply_for(CUR, events[-1]))
        events = chat.until_awaiting()
    assert chat.proc.wait(timeout=60) == 0
    today = datetime.now(UTC).date().isoformat()
    run = subprocess.run([sys.executable, "-m", "skillcoach", "replay", "run", "--all", "--since", today],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
