"""Interactive sessions at once: turns/s and turn latency for N learners served by one shared Coach.

    python -m bench.sessions [--sessions 1 4 16 64] [--turns 50] [--sqlite] [--postgres ADMIN_URL]
                             [--pool-size N]

Each learner is driven by its own thread through ONE ``Coach`` (as the web app serves many learners
from one process), offline engine, answering its session's questions like bench/scripted.py's
learner (a third of them wrong). Every configuration gets a fresh SQLite data dir or a fresh
Postgres database. Each session first plays one warm-up turn (session start, caches), not counted;
then all threads start together and play ``--turns`` turns each.

Per configuration: turns/s over all sessions (wall clock from the common start to the last turn),
turn latency p50/p95, this process's CPU seconds per turn (``time.process_time``; the Postgres
server's CPU is not in it) and the CPU in use (CPU seconds / wall seconds: near 1.0 means the
threads are bound by the GIL, not by waiting), and the time in database calls per turn: the
store's cursor executes, the checkpointer's calls and waits for a pooled Postgres connection
(nested calls counted once), and of that the pool waits alone. It is wall time summed over
threads, not a share of the latency: LangGraph writes checkpoints from its own background
threads, partly in parallel with the turn's other work, and a call whose I/O is done still
waits for the GIL. Compare it across session counts: where it grows, the database (SQLite's
one writer, the pool's few connections) is what the turns wait for.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench import percentile, scratch_dir
from bench.fleet import fresh_database
from bench.scripted import ScriptedLearner, offline_settings
from skillcoach.app.api import Coach
from skillcoach.settings import Settings

CHECKPOINTER_CALLS = ("get_tuple", "put", "put_writes", "list")
JOIN_SECONDS = 3600.0  # a run that needs longer than this is stuck, not slow


@dataclass
class Figures:
    """One configuration's outcome: counts, times, CPU, and where the turns' time went."""

    sessions: int
    turns: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    db_seconds: float = 0.0
    pool_wait_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def turns_per_second(self) -> float:
        """Turns of all sessions per wall-clock second."""
        return self.turns / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        """Median turn latency in seconds."""
        return percentile(self.latencies, 0.5) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        """95th-percentile turn latency in seconds."""
        return percentile(self.latencies, 0.95) if self.latencies else float("nan")

    @property
    def cpu_per_turn(self) -> float:
        """This process's CPU seconds per turn."""
        return self.cpu_seconds / self.turns if self.turns else float("nan")

    @property
    def db_per_turn(self) -> float:
        """Seconds in database calls per turn, summed over every thread (see the module's note)."""
        return self.db_seconds / self.turns if self.turns else float("nan")

    @property
    def pool_wait_per_turn(self) -> float:
        """Seconds waiting for a pooled Postgres connection per turn."""
        return self.pool_wait_seconds / self.turns if self.turns else float("nan")


class DatabaseClock:
    """Wall time spent in database calls, summed over threads; a call inside another counts once."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.pool_wait = 0.0
        self._guard = threading.Lock()
        self._local = threading.local()

    def enter(self) -> None:
        """A database call starts in this thread."""
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            self._local.started = time.perf_counter()
        self._local.depth = depth + 1

    def leave(self) -> None:
        """The call that ``enter`` saw ends."""
        self._local.depth -= 1
        if self._local.depth == 0:
            took = time.perf_counter() - self._local.started
            with self._guard:
                self.seconds += took

    def timed(self, call: Callable[..., Any], *, pool: bool = False) -> Callable[..., Any]:
        """``call`` with its time counted (also as a pool wait when ``pool``)."""
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            self.enter()
            try:
                return call(*args, **kwargs)
            finally:
                self.leave()
                if pool:
                    with self._guard:
                        self.pool_wait += time.perf_counter() - started
        return wrapper


@contextmanager
def database_clock(coach: Coach) -> Iterator[DatabaseClock]:
    """Count the time of the store's cursor executes, the checkpointer's calls and Postgres pool waits."""
    clock = DatabaseClock()

    def before(*_: Any) -> None:
        clock.enter()

    def after(*_: Any) -> None:
        clock.leave()

    saver: Any = coach.graph.checkpointer
    for name in CHECKPOINTER_CALLS:  # instance attributes shadow the methods LangGraph looks up
        setattr(saver, name, clock.timed(getattr(saver, name)))
    pool = postgres_pool(coach.settings)
    if pool is not None:
        pool.getconn = clock.timed(pool.getconn, pool=True)
    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield clock
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)
        if pool is not None:
            del pool.getconn
        for name in CHECKPOINTER_CALLS:
            delattr(saver, name)


def postgres_pool(settings: Settings) -> Any:
    """The process's shared Postgres pool the Coach uses, or None on SQLite."""
    url = settings.resolved_database_url
    if not url.startswith("postgres"):
        return None
    from skillcoach.storage.options import DatabaseOptions
    from skillcoach.storage.pool import shared_pool

    return shared_pool(url, DatabaseOptions.from_settings(settings))  # the one already open for this URL


def measure(settings: Settings, sessions: int, turns: int) -> Figures:
    """``sessions`` learners, one thread each, ``turns`` turns each, through one Coach on ``settings``."""
    figures = Figures(sessions)
    with Coach(settings) as coach:
        learners = [ScriptedLearner(coach, f"bench-session-{n}", seed=n) for n in range(sessions)]
        for learner in learners:
            learner.turn()  # warm-up: opens the session, fills the caches; not counted
        with database_clock(coach) as clock:
            start = threading.Barrier(sessions + 1)
            results: list[list[float]] = [[] for _ in learners]
            threads = [threading.Thread(target=_play, args=(learner, turns, start, results[n], figures.errors),
                                        name=f"learner-{n}", daemon=True) for n, learner in enumerate(learners)]
            for thread in threads:
                thread.start()
            start.wait()
            began, cpu = time.perf_counter(), time.process_time()
            for thread in threads:
                thread.join(JOIN_SECONDS)
            figures.seconds = time.perf_counter() - began
            figures.cpu_seconds = time.process_time() - cpu
        figures.db_seconds, figures.pool_wait_seconds = clock.seconds, clock.pool_wait
    figures.latencies = [latency for own in results for latency in own]
    figures.turns = len(figures.latencies)
    return figures


def _play(learner: ScriptedLearner, turns: int, start: threading.Barrier, latencies: list[float],
          errors: list[str]) -> None:
    """One learner's thread: wait for the others, then play its turns; an error ends this learner only."""
    start.wait()
    try:
        for _ in range(turns):
            latencies.append(learner.turn())
    except Exception as exc:  # noqa: BLE001 - reported in the table; the other learners go on
        errors.append(f"{learner.learner_id}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


@contextmanager
def sqlite_settings() -> Iterator[Settings]:
    """Offline settings on a fresh SQLite data dir (database and checkpoints files)."""
    with scratch_dir("sessions") as tmp:
        yield offline_settings(tmp)


@contextmanager
def postgres_settings(admin_url: str) -> Iterator[Settings]:
    """Offline settings on a fresh Postgres database (store and checkpointer in it), dropped afterwards."""
    with fresh_database(admin_url) as url, scratch_dir("sessions-pg") as tmp:
        yield offline_settings(tmp).model_copy(update={"database_url": url})


def row(backend: str, figures: Figures, base: float | None) -> str:
    """One Markdown table row."""
    ms = 1000.0
    speedup = f"{figures.turns_per_second / base:.2f}" if base else "-"
    pool = f"{figures.pool_wait_per_turn * ms:.0f}" if backend.startswith("Postgres") else "-"
    errors = f"{len(figures.errors)}: {figures.errors[0]}" if figures.errors else "0"
    return (f"| {backend} | {figures.sessions} | {figures.turns} | {figures.seconds:.1f} | "
            f"{figures.turns_per_second:.1f} | {speedup} | {figures.p50 * ms:.0f} | {figures.p95 * ms:.0f} | "
            f"{figures.cpu_per_turn * ms:.0f} | {figures.cpu_seconds / figures.seconds:.2f} | "
            f"{figures.db_per_turn * ms:.0f} | {pool} | {errors} |")


HEADER = ("| database | sessions | turns | seconds | turns/s | vs 1 session | p50 ms | p95 ms | CPU ms/turn | "
          "CPU in use (cores) | DB calls ms/turn | of which pool wait | errors |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def main(argv: list[str] | None = None) -> int:
    """Run the configurations asked for and print the Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.sessions", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--turns", type=int, default=50, help="counted turns per session")
    parser.add_argument("--sqlite", action="store_true", help="run on fresh SQLite files (the default)")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="run on fresh databases of this server")
    parser.add_argument("--pool-size", type=int, help="SKILLCOACH_DB_POOL_SIZE for Postgres (default: the setting's)")
    args = parser.parse_args(argv)
    if min(args.sessions) < 1 or args.turns < 1:
        parser.error("--sessions and --turns take numbers of at least 1")
    backends: list[tuple[str, Callable[[], Any]]] = []
    if args.sqlite or not args.postgres:
        backends.append(("SQLite", sqlite_settings))
    if args.postgres:
        backends.append(("Postgres", lambda: postgres_settings(args.postgres)))
    print(f"load average at the start: {os.getloadavg()}; {os.cpu_count()} cores")
    print(HEADER, flush=True)
    for name, settings_for in backends:
        base = None
        for sessions in args.sessions:
            with settings_for() as settings:
                if args.pool_size:
                    settings = settings.model_copy(update={"db_pool_size": args.pool_size})
                label = name if name == "SQLite" else f"Postgres (pool {settings.db_pool_size})"
                figures = measure(settings, sessions, args.turns)
            if sessions == 1:
                base = figures.turns_per_second
            print(row(label, figures, base), flush=True)
    print(f"load average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
