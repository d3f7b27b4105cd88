"""Batch hardening: workers die with their parent, ASCII ISO weeks only, bad CSV cells reported by line."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from skillcoach.learner.csv_import import parse_learners_csv
from skillcoach.settings import Settings
from skillcoach.storage.learners import learner_ids
from skillcoach.storage.store import Store
from tests.integration.test_postgres import pg_url  # noqa: F401 - the fresh-database fixture
from tests.plan_helpers import cli, write_csv

pytestmark = pytest.mark.integration

PARENT = textwrap.dedent("""
    import sys
    from skillcoach.app.weekly import pool
    from skillcoach.learner.review import utcnow
    from skillcoach.settings import Settings
    from skillcoach.storage.learners import LearnerUpdate, upsert_learners
    from skillcoach.storage.store import Store

    settings = Settings(data_dir=sys.argv[1])
    learners = [f"w{n:04d}" for n in range(3000)]
    upsert_learners(Store(settings.resolved_database_url), [LearnerUpdate(i, {}) for i in learners], utcnow())
    pool.LEARNERS_PER_WORKER = 1  # two workers for a test-sized batch
    print("ready", flush=True)
    pool.run_weekly(settings, "2026-W48", learners, workers=2)
""")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has stopped running; only its exit status is left


def _plans(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "skillcoach.db") as db:
        return int(db.execute("SELECT count(*) FROM weekly_plans").fetchone()[0])


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads worker processes from /proc (Linux)")
def test_pool_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 90
    while _plans_or_zero(tmp_path) < 20:  # the workers are writing plans
        assert time.monotonic() < deadline and parent.poll() is None, "the workers never started planning"
        time.sleep(0.2)
    workers = [pid for pid in _children(parent.pid) if _alive(pid)]
    assert workers, "the batch runs in worker processes"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    time.sleep(2.0)  # the watchdog polls every 0.5 s; the kernel's parent-death signal is immediate
    assert not [pid for pid in workers if _alive(pid)], "workers outlived their parent"
    written = _plans(tmp_path)
    time.sleep(1.0)
    assert _plans(tmp_path) == written, "no plan is written after the parent died"


def _plans_or_zero(data_dir: Path) -> int:
    try:
        return _plans(data_dir)
    except Exception:  # noqa: BLE001 - the table may not exist yet
        return 0


def test_week_with_non_ascii_digits_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli(capsys, monkeypatch, tmp_path, "plan", "weekly", "--all", "--week", "２０２６-W48")
    assert result.code == 2 and "malformed week" in result.err and len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


BAD_CELLS = ("id,name,weekly_minutes\n"
             "ok1,Ada,60\n"
             "nul,Bad\x00Name,60\n"
             "esc,\x1b[31mRed,60\n"
             "ok2,Bo,90\n"
             "ctl,Cy\x07,30\n")


def test_bad_csv_cells_are_reported_by_line() -> None:
    parsed = parse_learners_csv(BAD_CELLS, set())
    assert [u.learner_id for u in parsed.updates] == ["ok1", "ok2"]
    assert [p.split(":")[0] for p in parsed.problems] == ["line 3", "line 4", "line 6"]
    assert all("control character" in p for p in parsed.problems)


def _import_bad_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                      database_url: str | None) -> list[str]:
    csv = write_csv(tmp_path, BAD_CELLS)
    args = ["--database-url", database_url] if database_url else []
    result = cli(capsys, monkeypatch, tmp_path / "data", *args, "learner", "import", str(csv))
    assert result.code == 1 and "imported 2 learner(s)" in result.out and "3 bad row(s) left out" in result.out
    assert "\x1b" not in result.err and "\x00" not in result.err and "This is a bug" not in result.err
    url = database_url or Settings(data_dir=tmp_path / "data").resolved_database_url
    return learner_ids(Store(url))


def test_bad_csv_cells_on_sqlite_import_the_good_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert _import_bad_cells(tmp_path, capsys, monkeypatch, None) == ["ok1", "ok2"]


@pytest.mark.postgres
def test_bad_csv_cells_on_postgres_import_the_good_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, pg_url: str) -> None:  # noqa: F811
    assert _import_bad_cells(tmp_path, capsys, monkeypatch, pg_url) == ["ok1", "ok2"]


def test_worker_exits_at_once_when_its_parent_is_already_gone() -> None:
    code = subprocess.run([sys.executable, "-c",
                           "from skillcoach.app.weekly.pool import die_with_parent; die_with_parent(1); print('ran')"],
                          capture_output=True, text=True, timeout=60)
    assert code.returncode == 1 and "ran" not in code.stdout
