"""Several machines on loopback: Celery workers on RabbitMQ and Postgres; one is SIGKILLed mid-batch.

Each worker is its own process with its own settings (data dir, pool size), as on its own machine;
they share only the broker and the database. Every learner must end up planned exactly once.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from skillcoach.learner.review import utcnow
from skillcoach.settings import REPO_ROOT, Settings
from skillcoach.storage.learners import LearnerUpdate, upsert_learners
from skillcoach.storage.models import WeeklyPlan
from skillcoach.storage.store import Store
from tests.fleet_procs import (
    RABBITMQ_URL,
    REDIS_URL,
    broker_problem,
    celery_workers,
    delete_queue,
    stop,
    wait_ready,
    worker_env,
)
from tests.postgres_db import fresh_database

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(300)]
WEEK = "2030-W48"
LEARNERS = 1200
CHUNK = 40  # 30 chunks over 3 workers: the killed one is surely mid-chunk with more to come
VISIBILITY_SECONDS = 5  # Redis: an unacknowledged chunk comes back after this (RabbitMQ needs none)


@pytest.fixture(params=["rabbitmq", "redis"])
def broker(request: pytest.FixtureRequest) -> str:
    url = RABBITMQ_URL if request.param == "rabbitmq" else REDIS_URL
    problem = broker_problem(url)
    if problem:
        pytest.skip(problem)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database("fleet") as url:
        yield url


def plans_per_learner(url: str) -> dict[str, int]:
    with Store(url).transaction() as db:
        rows = db.execute(select(WeeklyPlan.learner_id, func.count()).where(WeeklyPlan.week == WEEK)
                          .group_by(WeeklyPlan.learner_id))
        return {learner: count for learner, count in rows}


def last_task_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if "plan_chunk[" in line]
    return lines[-1] if lines else ""


def kill_mid_chunk(worker: subprocess.Popen[bytes], log: Path, killed: dict[str, str], limit: float = 200.0) -> None:
    """SIGKILL ``worker`` once it has finished two chunks and has received a third (so it dies inside one)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and worker.poll() is None:
        text = log.read_text(errors="replace") if log.exists() else ""
        line = last_task_line(log)
        if text.count("succeeded") >= 2 and "received" in line:
            killed["task"] = re.search(r"plan_chunk\[([0-9a-f-]+)\]", line).group(1)  # type: ignore[union-attr]
            stop(worker)
            return
        time.sleep(0.02)


def test_a_worker_killed_mid_batch_loses_and_doubles_no_learner(broker: str, pg_url: str, tmp_path: Path) -> None:
    """RabbitMQ re-delivers the killed worker's chunk when its connection drops; Redis after the visibility timeout."""
    from skillcoach.app.weekly.distributed import run_distributed

    learners = [f"learner{n:05d}" for n in range(LEARNERS)]
    upsert_learners(Store(pg_url), [LearnerUpdate(lid, {}) for lid in learners], utcnow())
    queue = f"fleet-test-{uuid.uuid4().hex[:8]}"
    shared = {"SKILLCOACH_DATABASE_URL": pg_url, "SKILLCOACH_BROKER_URL": broker, "SKILLCOACH_WEEKLY_QUEUE": queue,
              "SKILLCOACH_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_SECONDS)}
    envs = [worker_env(shared, tmp_path / f"machine{n}", db_pool_size=str(2 + n)) for n in range(3)]
    logs = tmp_path / "logs"
    conf = Settings(data_dir=tmp_path / "enqueuer", database_url=pg_url, broker_url=broker, weekly_queue=queue,
                    broker_visibility_timeout=VISIBILITY_SECONDS)
    killed: dict[str, str] = {}
    try:
        with celery_workers(envs, logs) as workers:
            wait_ready(logs, 3)
            # Watched from a thread, not from the enqueuer's result callbacks: those can arrive in a burst
            # after the last chunk, when worker 0 is no longer inside one.
            watcher = threading.Thread(target=kill_mid_chunk, args=(workers[0], logs / "worker0.log", killed))
            watcher.start()
            report = run_distributed(conf, WEEK, learners, chunk_size=CHUNK, timeout=240)
            watcher.join(5)
            assert workers[0].returncode == -9, "worker 0 was SIGKILLed"
    finally:
        delete_queue(broker, queue)
    assert killed, "worker 0 was killed while it planned a chunk"
    others = (logs / "worker1.log").read_text() + (logs / "worker2.log").read_text()
    assert f"plan_chunk[{killed['task']}] succeeded" in others, "the killed worker's chunk was re-delivered"
    assert report.count("failed") == 0 and report.failed == [], report.failed[:3]
    assert report.count("planned") + report.count("exists") == LEARNERS
    per_learner = plans_per_learner(pg_url)
    assert set(per_learner) == set(learners) and set(per_learner.values()) == {1}


def test_the_command_enqueues_and_shows_the_workers_progress(tmp_path: Path) -> None:
    """``plan weekly --all --distributed`` with one worker on a SQLite file: the bar, the counts, exit 0."""
    problem = broker_problem(RABBITMQ_URL)
    if problem:
        pytest.skip(problem)
    url = f"sqlite:///{tmp_path / 'one.db'}"
    upsert_learners(Store(url), [LearnerUpdate(f"l{n}", {}) for n in range(30)], utcnow())
    queue = f"fleet-cli-{uuid.uuid4().hex[:8]}"
    shared = {"SKILLCOACH_DATABASE_URL": url, "SKILLCOACH_BROKER_URL": RABBITMQ_URL, "SKILLCOACH_WEEKLY_QUEUE": queue}
    logs = tmp_path / "logs"
    try:
        with celery_workers([worker_env(shared, tmp_path / "worker")], logs):
            done = subprocess.run([sys.executable, "-m", "skillcoach", "plan", "weekly", "--all", "--distributed",
                                   "--week", WEEK, "--chunk-size", "7"], cwd=REPO_ROOT, capture_output=True,
                                  text=True, timeout=240, env=worker_env(shared, tmp_path / "enqueuer"))
    finally:
        delete_queue(RABBITMQ_URL, queue)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{WEEK}: 30 planned, 0 already planned, 0 with nothing to plan, 0 failed" in done.stdout
    assert "30 planned, 0 failed" in done.stderr  # the progress bar's counts


def test_a_chunk_that_kills_its_worker_process_every_time_is_given_up_and_reported(pg_url: str,
                                                                                    tmp_path: Path) -> None:
    """Prefork: the pool process running the poison chunk dies each time; the chunk comes back (rejected on
    worker lost) until its delivery limit, then its learners are reported failed and the batch ends."""
    from skillcoach.app.weekly.distributed import MAX_DELIVERIES, run_distributed

    problem = broker_problem(RABBITMQ_URL)
    if problem:
        pytest.skip(problem)
    healthy = [f"learner{n:03d}" for n in range(20)]
    upsert_learners(Store(pg_url), [LearnerUpdate(lid, {}) for lid in [*healthy, "poison0", "poison1"]], utcnow())
    queue = f"fleet-poison-{uuid.uuid4().hex[:8]}"
    shared = {"SKILLCOACH_DATABASE_URL": pg_url, "SKILLCOACH_BROKER_URL": RABBITMQ_URL,
              "SKILLCOACH_WEEKLY_QUEUE": queue}
    logs = tmp_path / "logs"
    conf = Settings(data_dir=tmp_path / "enqueuer", database_url=pg_url, broker_url=RABBITMQ_URL, weekly_queue=queue)
    try:
        with celery_workers([worker_env(shared, tmp_path / "machine")], logs, pool="prefork",
                            module="tests.poison_worker") as workers:
            wait_ready(logs, 1)
            report = run_distributed(conf, WEEK, [*healthy[:10], "poison0", "poison1", *healthy[10:]],
                                     chunk_size=10, timeout=180)
            assert workers[0].poll() is None, "the worker itself survives its pool process"
    finally:
        delete_queue(RABBITMQ_URL, queue)
    poisoned = ["poison0", "poison1", *healthy[10:18]]  # the second chunk of ten
    assert sorted(o.learner_id for o in report.failed) == sorted(poisoned), report.failed
    assert f"given up after {MAX_DELIVERIES} deliveries" in report.failed[0].message
    assert report.count("planned") == 12 and set(plans_per_learner(pg_url)) == {*healthy[:10], *healthy[18:]}
    assert (logs / "worker0.log").read_text().count("exited with 'exitcode 70'") == MAX_DELIVERIES
