"""Many processes on one database: fresh starts, many writers, a connection budget, leases, a silent server.

Bounded, CI-sized versions; bench/concurrency.py runs the 64-process ones and reports counts.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from skillcoach.settings import REPO_ROOT, Settings
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import Store
from tests.concurrency_procs import Outcome, clear_line, run_workers
from tests.postgres_db import ADMIN_URL, _admin, fresh_database

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]  # many processes on a shared 2-core machine


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    return {"SKILLCOACH_DATA_DIR": str(tmp_path / "data")}


def check_no_turn_lost(url: str, outcomes: list[Outcome]) -> None:
    """Every finished worker's turns are stored, numbered once each; attempts are never doubled."""
    store = Store(url, options=DatabaseOptions())
    for outcome in outcomes:
        sid = outcome.report.get("session")
        if not sid:
            continue
        numbers = [t.number for t in store.turns(sid)]
        assert numbers == list(range(len(numbers))), outcome
        if outcome.ok:
            assert len(numbers) == outcome.report["turns"] + 1, outcome
        attempts = store.attempts(session_id=sid)
        assert len({a.turn for a in attempts}) == len(attempts), outcome


@pytest.fixture
def pg_database() -> Iterator[str]:
    with fresh_database("concurrency") as url:
        yield url


def test_twenty_fresh_starts_on_sqlite(tmp_path: Path) -> None:
    outcomes = run_workers(sqlite_env(tmp_path), [f"fresh{i}" for i in range(20)], turns=2)
    assert [o for o in outcomes if not o.ok] == []
    check_no_turn_lost(f"sqlite:///{tmp_path / 'data' / 'skillcoach.db'}", outcomes)


@pytest.mark.postgres
def test_twenty_fresh_starts_on_postgres(pg_database: str, tmp_path: Path) -> None:
    env = {**sqlite_env(tmp_path), "SKILLCOACH_DATABASE_URL": pg_database}
    outcomes = run_workers(env, [f"fresh{i}" for i in range(20)], turns=2)
    assert [o for o in outcomes if not o.ok] == []
    check_no_turn_lost(pg_database, outcomes)


def test_sixteen_writers_on_one_sqlite_file_lose_no_turn(tmp_path: Path) -> None:
    outcomes = run_workers(sqlite_env(tmp_path), [f"writer{i}" for i in range(16)], turns=8)
    assert [o for o in outcomes if not o.ok] == []
    assert sum(o.report["turns"] for o in outcomes) == 16 * 8
    check_no_turn_lost(f"sqlite:///{tmp_path / 'data' / 'skillcoach.db'}", outcomes)


@contextmanager
def limited_database(limit: int) -> Iterator[str]:
    """A fresh database owned by a new role that may hold at most ``limit`` connections."""
    role, name = f"budget_{uuid.uuid4().hex[:8]}", f"concurrency_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {limit}')
        admin.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')  # the owner may create in its public schema
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgres@", f"{role}@", 1)
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.postgres
def test_more_workers_than_the_connection_budget_wait_or_fail_clearly(tmp_path: Path) -> None:
    """A role limited to 3 connections, 8 workers of one connection each: they take turns or say why."""
    with limited_database(3) as url:
        env = {**sqlite_env(tmp_path), "SKILLCOACH_DATABASE_URL": url, "SKILLCOACH_DB_POOL_SIZE": "1",
               "SKILLCOACH_DB_POOL_TIMEOUT": "60"}
        outcomes = run_workers(env, [f"budget{i}" for i in range(8)], turns=4)
        check_no_turn_lost(url.replace(url.split("@")[0].split("//")[1], "postgres", 1), outcomes)
    failed = [o for o in outcomes if not o.ok]
    assert all(clear_line(o) and "SKILLCOACH_DB_POOL" in o.report["error"] for o in failed), failed
    assert len(failed) < len(outcomes), "with waiting, workers finish"


class SilentServer:
    """Accepts TCP connections on loopback and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def cli(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run([sys.executable, "-m", "skillcoach", *args], cwd=REPO_ROOT, env=full,
                          capture_output=True, text=True, timeout=timeout)


def test_a_postgres_that_never_answers_fails_within_the_bound(tmp_path: Path) -> None:
    server = SilentServer()
    try:
        env = {**sqlite_env(tmp_path), "SKILLCOACH_DB_CONNECT_TIMEOUT": "2",
               "SKILLCOACH_DATABASE_URL": f"postgresql+psycopg://u:secret@127.0.0.1:{server.port}/x"}
        started = time.monotonic()
        done = cli(env, "progress", "--learner", "ada")
        took = time.monotonic() - started
    finally:
        server.close()
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "did not answer within SKILLCOACH_DB_CONNECT_TIMEOUT=2" in lines[0] and "secret" not in lines[0]
    assert took < 20, f"{took:.1f} s"


def test_a_session_is_driven_by_one_process_at_a_time(tmp_path: Path) -> None:
    env = {**os.environ, **sqlite_env(tmp_path), "PYTHONPATH": str(REPO_ROOT)}
    first = subprocess.Popen([sys.executable, "-m", "skillcoach", "chat", "--learner", "ada", "--new-learner",
                              "--jsonl"],
                             cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None
        opened = json.loads(first.stdout.readline())  # the session is open and waiting
        assert opened["type"] in ("lesson", "notice", "plan", "question")
        second = cli(sqlite_env(tmp_path), "chat", "--learner", "ada", "--new-learner", "--jsonl", timeout=60)
        assert second.returncode == 2 and second.stdout == ""
        assert second.stderr.strip().startswith("error: this session is open elsewhere (process")
        assert len(second.stderr.strip().splitlines()) == 1
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    # The holder died: its lease is stale, the next process takes the session over and resumes it.
    settings = Settings(data_dir=tmp_path / "data")
    from skillcoach.app.api import Coach

    with Coach(settings) as coach:
        session = coach.session("ada")
        events = session.start()
    assert events and events[0]["type"] == "notice" and "back" in events[0]["text"]


@pytest.mark.postgres
def test_a_statement_past_the_timeout_is_one_clear_line(pg_database: str) -> None:
    from sqlalchemy import text

    from skillcoach.storage.db import StorageError

    store = Store(pg_database, options=DatabaseOptions(statement_timeout=1))
    started = time.monotonic()
    with pytest.raises(StorageError, match=r"did not finish a statement within SKILLCOACH_DB_STATEMENT_TIMEOUT=1 s"):
        with store.transaction() as db:
            db.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 4
