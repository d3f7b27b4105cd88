"""LangGraph checkpointers for a URL: SQLite file by default, Postgres when configured.

Used by the faces (API, CLI) only; the core below them knows nothing of LangGraph.
Postgres: the checkpointer draws on the process's shared pool (skillcoach.storage.pool), so
store and checkpointer together hold at most SKILLCOACH_DB_POOL_SIZE connections. SQLite:
the busy timeout of the settings, and a write retried while the file stays locked.
Processes starting together create the checkpoint tables one at a time.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from langgraph.checkpoint.base import BaseCheckpointSaver

from skillcoach.storage.db import DatabaseLocked, StorageError, locked_message
from skillcoach.storage.locks import file_lock
from skillcoach.storage.options import DatabaseOptions
from skillcoach.tracing.masking import redact_url

T = TypeVar("T")


def open_checkpointer(url: str, stack: ExitStack, options: DatabaseOptions | None = None) -> BaseCheckpointSaver[str]:
    """A ready (tables created) checkpointer; its connection closes with ``stack``."""
    options = options or DatabaseOptions()
    if url.startswith("sqlite"):
        return _sqlite(url, stack, options)
    if url.startswith(("postgresql", "postgres")):
        return _postgres(url, options)
    raise StorageError(f"unsupported checkpoint URL {redact_url(url)!r}: use sqlite:///PATH or postgresql://...")


def _sqlite(url: str, stack: ExitStack, options: DatabaseOptions) -> BaseCheckpointSaver[str]:
    path = url.split("///", 1)[-1] or ":memory:"
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=options.sqlite_busy_timeout)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # as the tables: safe against a killed process
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the checkpoint database {path}: {exc}") from None
    stack.callback(conn.close)
    saver: Any = _retrying_sqlite_saver()(conn)
    saver.options = options
    try:
        with file_lock(None if path == ":memory:" else Path(path)):
            saver.setup()
    except sqlite3.Error as exc:
        raise StorageError(f"cannot write the checkpoint database {path}: {exc}") from None
    return cast("BaseCheckpointSaver[str]", saver)


def _retrying_sqlite_saver() -> type:
    from langgraph.checkpoint.sqlite import SqliteSaver

    class RetryingSqliteSaver(SqliteSaver):
        """Each write is its own transaction; run it again while the file stays locked."""

        options = DatabaseOptions()

        def put(self, *args: Any, **kwargs: Any) -> Any:
            return _retry_locked(lambda: super(RetryingSqliteSaver, self).put(*args, **kwargs), self.options)

        def put_writes(self, *args: Any, **kwargs: Any) -> None:
            _retry_locked(lambda: super(RetryingSqliteSaver, self).put_writes(*args, **kwargs), self.options)

    return RetryingSqliteSaver


def _retry_locked(work: Callable[[], T], options: DatabaseOptions) -> T:
    # A failed write left nothing behind: SqliteSaver's cursor() ends every write with a commit,
    # and a statement that hit the lock changed nothing, so running the write again is safe.
    pause = 0.05
    for attempt in range(options.lock_retries + 1):
        try:
            return work()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                raise
            if attempt == options.lock_retries:
                raise DatabaseLocked(locked_message("the checkpoint database", options)) from None
        time.sleep(pause * (1 + random.random()))
        pause = min(pause * 2, 2.0)
    raise AssertionError("unreachable")


def _postgres(url: str, options: DatabaseOptions) -> BaseCheckpointSaver[str]:
    import psycopg

    from skillcoach.storage.locks import CHECKPOINT_SETUP_LOCK, wait_for
    from skillcoach.storage.pool import describe_pool_error, first_line, libpq_url, shared_pool

    pool = shared_pool(url, options)
    saver = cast(Any, _bounded_postgres_saver()(pool))
    saver.describe = lambda exc: describe_pool_error(exc, libpq_url(url), options)
    try:
        with pool.connection() as conn:  # tables created by one process at a time (autocommit: no open transaction)
            wait_for(lambda: bool(conn.execute("SELECT pg_try_advisory_lock(%s)",
                                               (CHECKPOINT_SETUP_LOCK,)).fetchone()[0]))  # type: ignore[index]
            try:
                type(saver)(conn).setup()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (CHECKPOINT_SETUP_LOCK,))
    except psycopg.Error as exc:
        raise StorageError(saver.describe(exc) or f"cannot open the Postgres checkpointer: {first_line(exc)}") from None
    return cast("BaseCheckpointSaver[str]", saver)


def _bounded_postgres_saver() -> type:
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver

    class BoundedPostgresSaver(PostgresSaver):
        """Pool waits, connect and statement timeouts end in one clear line, not a driver traceback."""

        describe: Callable[[BaseException], str | None] = staticmethod(lambda exc: None)

        @contextmanager
        def _cursor(self, *, pipeline: bool = False) -> Iterator[Any]:
            try:
                with super()._cursor(pipeline=pipeline) as cur:
                    yield cur
            except psycopg.OperationalError as exc:
                message = self.describe(exc)
                if message is None:
                    raise
                raise StorageError(message) from None

    return BoundedPostgresSaver
