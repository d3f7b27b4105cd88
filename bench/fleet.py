"""Benchmark: the weekly batch on Celery workers (RabbitMQ, Postgres) against the single-process path.

    python -m bench.fleet [--learners 1000 10000] [--workers 1 2 4] [--chunk 200]

For each learner count: a fresh Postgres database filled like bench/weekly.py (varied progress),
then the single-process batch, then the Celery run with 1, 2, 4 worker processes (``--pool solo``,
one process each; started before the clock, since a fleet's workers are already up). Plans are
deleted between runs. Prints a Markdown table: learners/s, and where the time goes: the workers'
summed task time per worker (planning + database) against the wall time (the rest: broker, result
backend, waiting).
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete

from bench import scratch_dir
from bench.weekly import WEEK, populate
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.settings import Settings
from skillcoach.storage.learners import learner_ids
from skillcoach.storage.models import WeeklyPlan
from skillcoach.storage.store import Store
from tests.fleet_procs import RABBITMQ_URL, broker_problem, celery_workers, delete_queue, wait_ready, worker_env

ADMIN_URL = os.environ.get("SKILLCOACH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_database(admin_url: str = ADMIN_URL) -> Iterator[str]:
    """A new Postgres database on the server of ``admin_url`` (postgresql://...), dropped afterwards."""
    import psycopg

    name = f"bench_fleet_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        from skillcoach.storage.pool import close_pools

        close_pools()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clear_plans(url: str) -> None:
    with Store(url).transaction() as db:
        db.execute(delete(WeeklyPlan))


def single(settings: Settings, learners: list[str]) -> tuple[float, str]:
    """The single-machine path in this process (workers=1): seconds, outcome."""
    from skillcoach.app.weekly.batch import WeeklyBatch

    with WeeklyBatch(settings) as batch:
        started = time.perf_counter()
        report = batch.run(WEEK, learners)
        elapsed = time.perf_counter() - started
    return elapsed, f"{report.count('planned')} planned, {report.count('failed')} failed"


def distributed(settings: Settings, learners: list[str], workers: int, chunk: int,
                tmp: Path) -> tuple[float, str]:
    """The Celery run with ``workers`` worker processes: seconds from enqueueing to the last result, outcome."""
    from skillcoach.app.weekly.distributed import run_distributed

    queue = f"bench-fleet-{uuid.uuid4().hex[:8]}"
    shared = {"SKILLCOACH_DATABASE_URL": settings.resolved_database_url, "SKILLCOACH_BROKER_URL": RABBITMQ_URL,
              "SKILLCOACH_WEEKLY_QUEUE": queue}
    logs = tmp / f"logs-{queue}"
    conf = settings.model_copy(update={"broker_url": RABBITMQ_URL, "weekly_queue": queue})
    try:
        with celery_workers([worker_env(shared, tmp / f"w{n}") for n in range(workers)], logs):
            wait_ready(logs, workers, timeout=300)
            started = time.perf_counter()
            report = run_distributed(conf, WEEK, learners, chunk_size=chunk, timeout=3600)
            elapsed = time.perf_counter() - started
    finally:
        delete_queue(RABBITMQ_URL, queue)
    busy = report.task_seconds / workers
    return elapsed, (f"{report.count('planned')} planned, {report.count('failed')} failed; task time per worker "
                     f"{busy:.1f} s ({100 * busy / elapsed:.0f} % of wall), rest broker/results/idle")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--no-single", action="store_true", help="skip the single-process run (large counts)")
    args = parser.parse_args(argv)
    problem = broker_problem()
    if problem:
        print(problem)
        return 2
    print(f"load average at the start: {os.getloadavg()}")
    print("| learners | path | seconds | learners/s | vs single | detail |\n|---|---|---|---|---|---|")
    for count in args.learners:
        with fresh_database() as url, scratch_dir("fleet") as tmp:
            settings = Settings(data_dir=Path(tmp), database_url=url)
            store = Store(url)
            populate(store, load_curriculum(settings.curriculum_dir, settings.locale), count)
            learners = learner_ids(store)
            base = float("nan")
            if not args.no_single:
                base, detail = single(settings, learners)
                print(f"| {count:,} | single process | {base:.1f} | {count / base:.0f} | 1.00 | {detail} |",
                      flush=True)
            for workers in args.workers:
                clear_plans(url)
                took, detail = distributed(settings, learners, workers, args.chunk, Path(tmp))
                print(f"| {count:,} | Celery, {workers} worker{'s' if workers > 1 else ''} | {took:.1f} | "
                      f"{count / took:.0f} | {base / took:.2f} | {detail} |", flush=True)
    print(f"load average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
