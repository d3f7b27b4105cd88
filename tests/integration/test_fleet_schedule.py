"""One schedule for a fleet: however many schedulers fire on one database, the week's batch runs once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skillcoach.app.weekly.schedule import DEFAULT_CRON, JOB_ID, cron_trigger, fleet_run, make_scheduler
from skillcoach.learner.review import utcnow
from skillcoach.planning.weeks import iso_week
from skillcoach.settings import REPO_ROOT, Settings
from skillcoach.storage.claims import claim_of
from skillcoach.storage.learners import LearnerUpdate, upsert_learners
from skillcoach.storage.plans import planned_learners
from skillcoach.storage.store import Store
from tests.postgres_db import fresh_database

pytestmark = pytest.mark.integration
LEARNERS = [f"l{n}" for n in range(6)]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fleet.db'}"
        return
    with fresh_database("fleet") as url:
        yield url


def with_learners(url: str, tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    upsert_learners(Store(url), [LearnerUpdate(lid, {}) for lid in LEARNERS], utcnow())
    return settings


def test_two_schedulers_firing_together_run_one_batch(database_url: str, tmp_path: Path) -> None:
    with_learners(database_url, tmp_path)
    together = threading.Barrier(2, timeout=60)
    reports: dict[str, Any] = {}
    fired = threading.Event()

    met = threading.local()

    def clock() -> datetime:
        if not getattr(met, "done", False):
            met.done = True
            together.wait()  # both schedulers reach the claim at the same moment
        return utcnow()

    def job(name: str) -> None:
        # Each scheduler has its own settings, as on its own machine: they share only the database.
        own = Settings(data_dir=tmp_path / name, database_url=database_url)
        reports[name] = fleet_run(own, clock=clock, holder=name)
        if len(reports) == 2:
            fired.set()

    schedulers = [make_scheduler(lambda name=name: job(name), cron_trigger(DEFAULT_CRON, "UTC"), blocking=False)
                  for name in ("first", "second")]
    for scheduler in schedulers:
        scheduler.start()
    try:
        now = datetime.now(UTC)
        for scheduler in schedulers:
            scheduler.modify_job(JOB_ID, next_run_time=now)  # Monday morning, as far as both know
        assert fired.wait(timeout=90), "both schedulers fired"
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)
    ran = [name for name, report in reports.items() if report is not None]
    assert len(ran) == 1, reports
    week = iso_week(utcnow())
    assert reports[ran[0]].count("planned") == len(LEARNERS)
    assert planned_learners(Store(database_url), week) == set(LEARNERS)
    claim = claim_of(Store(database_url), JOB_ID, week)
    assert claim is not None and claim.holder == ran[0] and claim.finished_at is not None


def test_a_scheduler_firing_after_the_run_does_not_run_it_again(database_url: str, tmp_path: Path) -> None:
    settings = with_learners(database_url, tmp_path)
    assert fleet_run(settings, holder="early") is not None
    assert fleet_run(settings, holder="late (skewed clock)") is None


def test_a_failed_run_gives_its_claim_back(database_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    settings = with_learners(database_url, tmp_path)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the planner fell over")

    monkeypatch.setattr("skillcoach.app.weekly.pool.run_weekly", broken)
    with pytest.raises(RuntimeError):
        fleet_run(settings, holder="unlucky")
    assert claim_of(Store(database_url), JOB_ID, iso_week(utcnow())) is None
    monkeypatch.undo()
    assert fleet_run(settings, holder="next") is not None


@pytest.mark.slow
def test_two_schedule_processes_plan_the_week_once(tmp_path: Path) -> None:
    """Two ``skillcoach schedule`` processes on one database, firing every minute: one batch per week."""
    url = f"sqlite:///{tmp_path / 'fleet.db'}"
    with_learners(url, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "SKILLCOACH_DATABASE_URL": url}
    logs = [tmp_path / f"scheduler{n}.log" for n in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "skillcoach", "schedule", "--cron", "* * * * *",
                               "--log-file", str(log)], cwd=REPO_ROOT, env={**env, "SKILLCOACH_DATA_DIR":
                                                                            str(tmp_path / f"s{n}")},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
             for n, log in enumerate(logs)]
    try:
        deadline = time.monotonic() + 150  # the next minute boundary, on a loaded machine
        while time.monotonic() < deadline:
            texts = [log.read_text() if log.exists() else "" for log in logs]
            if all("skipped, claimed by" in t or "finished:" in t for t in texts):
                break
            time.sleep(1)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    texts = [log.read_text() for log in logs]
    assert sum("finished: 6 planned" in t for t in texts) == 1, texts
    assert sum("skipped, claimed by" in t for t in texts) == 1, texts
    assert planned_learners(Store(url), iso_week(utcnow())) == set(LEARNERS)
