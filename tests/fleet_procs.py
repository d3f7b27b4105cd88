"""Celery workers as subprocesses for the fleet test and bench: start them, kill them, clean up the queue."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillcoach.settings import REPO_ROOT

RABBITMQ_URL = os.environ.get("SKILLCOACH_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
REDIS_URL = os.environ.get("SKILLCOACH_TEST_REDIS", "redis://127.0.0.1:6379/13")


def broker_problem(url: str = RABBITMQ_URL) -> str | None:
    """Why the broker cannot be used here, or None when it answers."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure means: skip with its reason
        return f"broker not usable at {url} ({type(exc).__name__}: {exc})"
    return None


def delete_queue(url: str, queue: str) -> None:
    """Drop the test's queue, with anything left in it."""
    from kombu import Connection

    with Connection(url, connect_timeout=3) as conn:
        try:
            conn.default_channel.queue_delete(queue)
        except Exception:  # noqa: BLE001 - never declared (no task sent): nothing to drop
            pass


def worker_env(base: dict[str, str], home: Path, **settings: str) -> dict[str, str]:
    """A worker's own environment: its own data dir (as on its own machine) and the given settings."""
    env = {**os.environ, **base, "PYTHONPATH": str(REPO_ROOT), "SKILLCOACH_DATA_DIR": str(home)}
    env.update({f"SKILLCOACH_{key.upper()}": value for key, value in settings.items()})
    return env


@contextmanager
def celery_workers(envs: list[dict[str, str]], logs: Path, *, concurrency: int = 1, pool: str = "solo",
                   module: str = "skillcoach") -> Iterator[list[subprocess.Popen[bytes]]]:
    """``skillcoach worker`` processes (``python -m module worker``), one per environment; all killed on exit."""
    logs.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for n, env in enumerate(envs):
            log = open(logs / f"worker{n}.log", "wb")  # noqa: SIM115 - closed with the process below
            procs.append(subprocess.Popen(
                [sys.executable, "-m", module, "worker", f"--concurrency={concurrency}", f"--pool={pool}",
                 f"--name=w{n}-{os.getpid()}@{socket.gethostname()}", "--loglevel=INFO"],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            log.close()
        yield procs
    finally:
        for proc in procs:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker's whole process group and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def wait_ready(logs: Path, count: int, timeout: float = 120) -> None:
    """Until ``count`` workers have logged that they are ready (imports done, connected to the broker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = sum(1 for log in logs.glob("worker*.log") if b"ready." in log.read_bytes())
        if ready >= count:
            return
        time.sleep(0.5)
    raise TimeoutError(f"{count} workers not ready within {timeout:g} s: see {logs}")
