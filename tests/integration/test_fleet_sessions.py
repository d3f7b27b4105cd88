"""Interactive sessions across processes on one Postgres: the session lease keeps one writer at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillcoach.settings import REPO_ROOT, Settings
from skillcoach.storage.store import Store
from tests.postgres_db import fresh_database

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(300)]
PROCESSES, TURNS = 3, 2


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database("fleet_sessions") as url:
        yield url


def test_processes_driving_one_learner_take_turns_as_its_writer(pg_url: str, tmp_path: Path) -> None:
    from skillcoach.app.api import Coach

    with Coach(Settings(data_dir=tmp_path / "setup", database_url=pg_url)) as coach:
        coach.session("ada").start()  # migrated, learner and session made before the race
    procs, go = [], tmp_path / "go"
    for n in range(PROCESSES):  # each its own settings (data dir, pool size), as on its own machine
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SKILLCOACH_DATABASE_URL": pg_url,
               "SKILLCOACH_DATA_DIR": str(tmp_path / f"machine{n}"), "SKILLCOACH_DB_POOL_SIZE": str(2 + n)}
        procs.append(subprocess.Popen([sys.executable, "-m", "tests.fleet_session_worker", "ada", str(TURNS), "240",
                                       str(go)], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    for proc in procs:  # every process started (imports done, coach open) before any reaches for the session
        assert proc.stdout is not None and "ready" in proc.stdout.readline()
    go.touch()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=280)
        assert proc.returncode == 0, err[-2000:]
        reports.append([json.loads(line) for line in out.splitlines() if line.startswith("{")])
    held = sorted(line["held"] for lines in reports for line in lines if "held" in line)
    assert len(held) == PROCESSES, "every process got the session in the end"
    for (_, first_end), (second_start, _) in zip(held, held[1:], strict=False):
        assert first_end <= second_start, f"two writers at once: {held}"
    assert sum("refused" in line for lines in reports for line in lines) > 0, "the processes did contend"
    [session_id] = {line["session"] for lines in reports for line in lines if "session" in line}
    numbers = [t.number for t in Store(pg_url).turns(session_id)]
    assert numbers == list(range(len(numbers))) and len(numbers) == 1 + PROCESSES * TURNS, numbers
