"""Many processes on one database: turns finished, failed with one clear line, lost.

    python -m bench.concurrency [--processes 64] [--turns 20] [--sqlite] [--postgres ADMIN_URL [--connection-limit 24]]

Each process is one learner's session (tests/concurrency_worker.py) started at the same time
as the others, on a fresh SQLite file or a fresh Postgres database. A turn is "lost" when a
worker reported it done but the database does not hold it, or when a failure was not one
clear line. The CI-sized versions are in tests/integration/test_concurrency_db.py.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import Store
from tests.concurrency_procs import Outcome, clear_line, run_workers


def count(url: str, outcomes: list[Outcome], turns: int) -> dict[str, int]:
    """Turns finished, turns not run because their worker failed clearly, turns lost."""
    store = Store(url, options=DatabaseOptions())
    finished = failed = lost = 0
    for outcome in outcomes:
        sid = outcome.report.get("session")
        stored = len(store.turns(sid)) - 1 if sid else 0  # turn 0 is the session's start
        reported = int(outcome.report.get("turns", 0))
        finished += min(stored, reported)
        lost += max(reported - stored, 0)
        if not outcome.ok:
            if clear_line(outcome):
                failed += turns - reported
            else:
                lost += turns - reported
    return {"processes": len(outcomes), "turns_finished": finished, "turns_failed_clearly": failed,
            "turns_lost": lost, "workers_failed": sum(not o.ok for o in outcomes)}


def run(name: str, env: dict[str, str], url: str, processes: int, turns: int) -> None:
    started = time.monotonic()
    outcomes = run_workers(env, [f"bench{i}" for i in range(processes)], turns, timeout=3600)
    figures = count(url, outcomes, turns)
    errors = sorted({o.report.get("error", o.stderr[-200:]) for o in outcomes if not o.ok})
    print(f"{name}: {figures} in {time.monotonic() - started:.0f} s")
    for error in errors[:5]:
        print(f"  failure: {error}")


def postgres(admin_url: str, processes: int, turns: int, data_dir: Path, limit: int) -> None:
    """On a fresh database owned by a role of at most ``limit`` connections: a shared server is never exhausted."""
    import psycopg

    role, name = f"bench_role_{uuid.uuid4().hex[:8]}", f"bench_concurrency_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT {limit}')
        admin.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base.replace('postgres@', f'{role}@', 1)}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    env = {"SKILLCOACH_DATA_DIR": str(data_dir), "SKILLCOACH_DATABASE_URL": url, "SKILLCOACH_DB_POOL_SIZE": "1",
           "SKILLCOACH_DB_POOL_TIMEOUT": "600"}
    try:
        run(f"postgres (role limited to {limit} connections, pool size 1)", env,
            f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1), processes, turns)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency", description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=64)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--sqlite", action="store_true", help="run on a fresh SQLite file")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="run on a fresh database of this server")
    parser.add_argument("--connection-limit", type=int, default=24, help="connections the Postgres role may hold")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        if args.sqlite or not args.postgres:
            data = Path(tmp) / "sqlite"
            run("sqlite", {"SKILLCOACH_DATA_DIR": str(data)}, f"sqlite:///{data / 'skillcoach.db'}",
                args.processes, args.turns)
        if args.postgres:
            postgres(args.postgres, args.processes, args.turns, Path(tmp) / "pg", args.connection_limit)


if __name__ == "__main__":
    main()
