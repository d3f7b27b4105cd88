"""Failures of the surroundings end in one clear line on stderr, a non-zero exit and no traceback.

Locked databases, a full disk, a lock held through an answer, a cron that never fires, invalid
settings, an unwritable stdout, a non-URL, an empty data dir; a read-only data dir still serves the
read-only commands, and learner names with terminal escapes are never printed raw.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from skillcoach.app.cli.app import app
from skillcoach.app.cli.errors import run_friendly
from tests.plan_helpers import cli

pytestmark = pytest.mark.integration


def one_clear_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {stderr!r}"
    assert lines[0].startswith("error: ") and "Traceback" not in stderr and "bug" not in stderr, stderr
    return lines[0]


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillcoach", *args], env={**os.environ, **(env or {})},
                          input=stdin, capture_output=True, text=True, timeout=120)


def _first_session(data_dir: Path) -> None:
    """A session that waits on its first question (so the databases exist and a later answer writes)."""
    run = run_cli("chat", "--learner", "ada", "--new-learner", "--jsonl", env={"SKILLCOACH_DATA_DIR": str(data_dir)},
                  stdin='{"command": "continue"}\n')
    assert run.returncode == 0, run.stderr


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Hold SQLite's write lock on ``path`` (as another process in the middle of a long write would)."""
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# A lock held past the busy timeout and every retry; short here so the test does not wait minutes.
SHORT_LOCK_WAIT = {"SKILLCOACH_SQLITE_BUSY_TIMEOUT": "1", "SKILLCOACH_DB_LOCK_RETRIES": "1"}


def test_a_locked_checkpoint_database_is_one_line(tmp_path: Path) -> None:
    _first_session(tmp_path)
    with write_lock(tmp_path / "checkpoints.db"):
        run = run_cli("chat", "--learner", "ada", "--new-learner", "--jsonl", "--new",
                      env={"SKILLCOACH_DATA_DIR": str(tmp_path), **SHORT_LOCK_WAIT})
    assert run.returncode != 0 and "locked" in one_clear_line(run.stderr)


def test_a_write_lock_held_through_an_answer_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    _first_session(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "skillcoach", "chat", "--learner", "ada", "--new-learner",
                             "--jsonl"],
                            env={**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path), **SHORT_LOCK_WAIT},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdin and proc.stdout and proc.stderr
    while not json.loads(proc.stdout.readline())["awaiting"]:
        pass
    with write_lock(tmp_path / "skillcoach.db"):
        proc.stdin.write('{"answer": "a"}\n')
        proc.stdin.flush()
        code = proc.wait(timeout=120)
    assert code != 0 and "locked" in one_clear_line(proc.stderr.read())
    resumed = run_cli("chat", "--learner", "ada", "--new-learner", "--jsonl",
                      env={"SKILLCOACH_DATA_DIR": str(tmp_path)})
    assert resumed.returncode == 0 and '"awaiting": true' in resumed.stdout, "the session goes on afterwards"


def test_a_full_disk_during_an_answer_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _first_session(tmp_path)
    real_connect = sqlite3.connect

    def full_disk(*args: object, **kwargs: object) -> sqlite3.Connection:
        connection = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        connection.execute("PRAGMA max_page_count = 1")  # clamps to the current size: no page more fits
        return connection

    monkeypatch.setattr(sqlite3, "connect", full_disk)
    lines = "\n".join(['{"answer": "I think it is the first one, as the lesson said"}'] * 40 + ['{"command": "quit"}'])
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines + "\n"))
    result = cli(capsys, monkeypatch, tmp_path, "chat", "--learner", "ada", "--new-learner", "--jsonl")
    assert result.code != 0 and "disk is full" in one_clear_line(result.err)


def test_a_cron_that_never_fires_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli(capsys, monkeypatch, tmp_path, "schedule", "--cron", "0 6 31 2 *")
    assert result.code == 2 and "never fires" in one_clear_line(result.err)


@pytest.mark.parametrize(("variable", "value"), [
    ("SKILLCOACH_SESSION_MINUTES", "abc"), ("SKILLCOACH_MAX_ANSWER_CHARS", "5"), ("SKILLCOACH_MASK_PII", "maybe"),
    ("SKILLCOACH_MODEL_TIMEOUT", "-1"), ("SKILLCOACH_DATABASE_URL", "notaurl"), ("SKILLCOACH_DATA_DIR", ""),
])
def test_invalid_settings_name_the_variable_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch, variable: str,
                                                         value: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(sys, "argv", ["skillcoach", "progress", "--learner", "ada"])
    code = run_friendly(app)
    line = one_clear_line(capsys.readouterr().err)
    assert code != 0 and variable in line and (not value or value not in line.split(":", 2)[-1] or value == "5")
    assert not list(tmp_path.iterdir()), "nothing is created in the current directory"


def test_database_url_option_that_is_not_a_url_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli(capsys, monkeypatch, tmp_path, "--database-url", "notaurl", "progress", "--learner", "ada")
    assert result.code == 2 and "not a database URL" in one_clear_line(result.err)


def test_stdout_to_dev_full_is_one_line(tmp_path: Path) -> None:
    _first_session(tmp_path)  # a learner to report on
    with open("/dev/full", "w") as full:
        run = subprocess.run([sys.executable, "-m", "skillcoach", "progress", "--learner", "ada", "--json"],
                             env={**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path)}, stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    assert run.returncode != 0 and "cannot write the output" in one_clear_line(run.stderr)


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only for this process: permissions for a normal user, a read-only bind mount for root."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("running as root without mount rights: no way to make a read-only directory here")
    subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_read_only_data_dir_still_serves_read_only_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _first_session(data)
    env = {"SKILLCOACH_DATA_DIR": str(data)}
    with read_only(data):
        assert not os.access(data, os.W_OK)
        progress = run_cli("progress", "--learner", "ada", "--json", env=env)
        listing = run_cli("learner", "list", env=env)
        write = run_cli("learner", "add", "bo", env=env)
    assert progress.returncode == 0, progress.stderr
    assert json.loads(progress.stdout)["learner_id"] == "ada"
    assert listing.returncode == 0 and "ada" in listing.stdout, listing.stderr
    refused = one_clear_line(write.stderr)
    assert write.returncode != 0 and ("read-only" in refused or "cannot be written" in refused)


def test_a_finished_command_leaves_every_row_in_the_database_file(tmp_path: Path) -> None:
    _first_session(tmp_path)
    for name in ("skillcoach.db", "checkpoints.db"):
        wal = tmp_path / f"{name}-wal"
        assert not wal.exists() or wal.stat().st_size == 0, f"{name}: rows left in the WAL at exit"


# A writer killed after its commit: the row is only in the -wal file (no connection folded it in).
KILLED_WRITER = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO learners (id, name, weekly_minutes, goals, days, timezone, created_at, lang) "
           "SELECT 'bo', 'Bo', weekly_minutes, goals, days, timezone, created_at, lang FROM learners")
db.commit()
os._exit(0)
"""


def test_a_read_only_data_dir_shows_rows_a_killed_writer_left_in_the_wal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _first_session(data)
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(data / "skillcoach.db")], check=True)
    assert (data / "skillcoach.db-wal").stat().st_size > 0
    with read_only(data):
        listing = run_cli("learner", "list", env={"SKILLCOACH_DATA_DIR": str(data)})
    assert listing.returncode == 0, listing.stderr
    assert "ada" in listing.stdout and "bo" in listing.stdout


def test_learner_names_with_terminal_escapes_are_never_printed_raw(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    added = cli(capsys, monkeypatch, tmp_path, "learner", "add", "eve", "--name", "\x1b[2J\x1b[31mEve[/red]")
    listed = cli(capsys, monkeypatch, tmp_path, "learner", "list")
    shown = cli(capsys, monkeypatch, tmp_path, "learner", "show", "eve")
    for result in (added, listed, shown):
        assert result.code == 0 and "\x1b" not in result.out + result.err
    assert "\\x1b[31mEve[/red]" in shown.out, "the name is shown, its escapes visible"
