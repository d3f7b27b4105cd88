"""Locks that make processes take turns: schema changes on a new database."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text

# pg_advisory_lock takes a bigint; a fixed key per purpose, derived from a name so it is documented.
MIGRATION_LOCK = int.from_bytes(hashlib.sha256(b"skillcoach:migrate").digest()[:8], "big", signed=True)
CHECKPOINT_SETUP_LOCK = int.from_bytes(hashlib.sha256(b"skillcoach:checkpoint-setup").digest()[:8], "big",
                                       signed=True)


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection | None]:
    """Held while one process migrates ``engine``'s database; the others wait for it.

    On Postgres it yields the connection holding the lock: migrate on it, so a pool of one
    connection is enough.
    """
    if engine.dialect.name == "sqlite":
        with file_lock(sqlite_path(str(engine.url.database or ""))):
            yield None
    elif engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            def try_lock() -> bool:
                taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                got = bool(taken.scalar())
                connection.commit()
                return got
            wait_for(try_lock)
            try:
                yield connection
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()
    else:
        yield None  # other databases: Alembic's own transaction is all we have


def wait_for(try_lock: Callable[[], bool], limit: float = 300.0) -> None:
    """Poll a try-lock instead of blocking in pg_advisory_lock.

    A process blocked inside a statement keeps a transaction open, and the checkpointer's
    CREATE INDEX CONCURRENTLY (run by the lock holder) waits for every open transaction:
    blocking would deadlock. Between polls this process holds no transaction.
    """
    from skillcoach.storage.db import StorageError

    deadline, pause = time.monotonic() + limit, 0.05
    while not try_lock():
        if time.monotonic() > deadline:
            raise StorageError(f"another process has held the schema lock for over {limit:.0f} s; is one stuck?")
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def sqlite_path(database: str) -> Path | None:
    """Return the file behind a SQLite database name, or None for an in-memory database."""
    return None if database in ("", ":memory:") else Path(database)


@contextmanager
def file_lock(database: Path | None) -> Iterator[None]:
    """An exclusive lock on ``<database>.lock`` (flock: released by the OS if the process dies)."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no cross-process lock (SQLite still refuses a double table)
        fcntl = None  # type: ignore[assignment]
    if database is None or fcntl is None:
        yield
        return

    with open(database.with_name(database.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
