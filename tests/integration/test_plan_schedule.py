"""``skillcoach schedule``: the weekly batch on a cron trigger, logged; fired here without waiting for Monday."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from skillcoach.app.weekly.schedule import DEFAULT_CRON, JOB_ID, cron_trigger, make_scheduler, weekly_run
from skillcoach.learner.review import utcnow
from skillcoach.planning.weeks import iso_week
from skillcoach.settings import Settings
from skillcoach.storage.learners import LearnerUpdate, upsert_learners
from skillcoach.storage.plans import planned_learners
from skillcoach.storage.store import Store

pytestmark = pytest.mark.integration


def test_the_default_cron_is_monday_six_in_the_morning() -> None:
    trigger = cron_trigger(DEFAULT_CRON, "Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    fire = trigger.get_next_fire_time(None, datetime(2026, 11, 25, 12, tzinfo=berlin))  # a Wednesday
    assert fire == datetime(2026, 11, 30, 6, tzinfo=berlin)
    assert trigger.get_next_fire_time(fire, fire + timedelta(seconds=1)) == datetime(2026, 12, 7, 6, tzinfo=berlin)


def test_the_scheduler_fires_the_weekly_run_and_logs_it(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    store = Store(settings.resolved_database_url)
    upsert_learners(store, [LearnerUpdate("ada", {}), LearnerUpdate("bo", {"weekly_minutes": 30})], utcnow())
    fired = threading.Event()

    def job() -> None:
        weekly_run(settings)
        fired.set()

    scheduler = make_scheduler(job, cron_trigger(DEFAULT_CRON, "UTC"), blocking=False)
    caplog.set_level(logging.INFO, logger="skillcoach.app.weekly.schedule")
    scheduler.start()
    try:
        assert scheduler.get_job(JOB_ID).next_run_time.weekday() == 0, "next run on a Monday"
        scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))  # Monday, as far as the job knows
        assert fired.wait(timeout=60), "the scheduler ran the job"
    finally:
        scheduler.shutdown(wait=True)
    week = iso_week(utcnow())
    assert planned_learners(store, week) == {"ada", "bo"}
    messages = [r.getMessage() for r in caplog.records if r.name == "skillcoach.app.weekly.schedule"]
    assert f"weekly run {week}: started" in messages
    assert f"weekly run {week}: finished: 2 planned, 0 already planned, 0 with nothing to plan, 0 failed" in messages


def test_the_run_plans_the_week_it_is_in_the_schedules_zone(settings: Settings) -> None:
    Store(settings.resolved_database_url)
    sunday_evening_utc = datetime(2026, 11, 29, 21, tzinfo=UTC)  # Monday 06:00 in Tokyo
    report = weekly_run(settings, zone=ZoneInfo("Asia/Tokyo"), clock=lambda: sunday_evening_utc)
    assert report.week == "2026-W49"
    assert weekly_run(settings, clock=lambda: sunday_evening_utc).week == "2026-W48"


def test_a_failing_run_is_logged_and_the_schedule_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("database gone")

    scheduler = make_scheduler(broken, cron_trigger(DEFAULT_CRON, "UTC"), blocking=False)
    job = scheduler.get_job(JOB_ID)
    with caplog.at_level(logging.ERROR, logger="skillcoach.app.weekly.schedule"):
        job.func()
    assert "weekly run failed: RuntimeError: database gone" in caplog.text


def test_the_schedule_command_keeps_running_until_interrupted(tmp_path: Path) -> None:
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "skillcoach", "schedule", "--timezone", "Europe/Berlin"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines = [proc.stderr.readline() for _ in range(3)]  # type: ignore[union-attr]
        ours = [line for line in lines if "skillcoach.app.weekly.schedule" in line]
        assert ours and "weekly plans scheduled on '0 6 * * mon' (Europe/Berlin); next run " in ours[0]
        assert " 06:00 " in ours[0]
        assert proc.poll() is None, "the scheduler waits for Monday"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=90) == 130  # generous: a loaded CI box is slow to unwind
    finally:
        if proc.poll() is None:
            proc.kill()
