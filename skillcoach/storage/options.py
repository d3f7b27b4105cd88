"""How the process uses its databases: pool size, timeouts, retries (from settings or defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DatabaseOptions:
    """Connection limits and waits; every field has a SKILLCOACH_DB_* / SKILLCOACH_SQLITE_* setting."""

    pool_size: int = 4  # Postgres connections one process may hold (store and checkpointer together)
    pool_timeout: float = 30.0  # seconds to wait for a free connection before failing
    pool_pre_ping: bool = False  # check a pooled connection before use (worth it for remote servers only)
    connect_timeout: float = 5.0  # seconds for a Postgres server to answer a new connection
    statement_timeout: float = 30.0  # seconds a Postgres statement may run; 0 = no limit
    sqlite_busy_timeout: float = 30.0  # seconds a SQLite writer waits for the file's write lock
    lock_retries: int = 4  # whole-transaction retries when SQLite still reports "database is locked"

    @classmethod
    def from_settings(cls, settings: Any) -> DatabaseOptions:
        """The options a ``Settings`` object describes."""
        return cls(pool_size=settings.db_pool_size, pool_timeout=settings.db_pool_timeout,
                   pool_pre_ping=settings.db_pool_pre_ping, connect_timeout=settings.db_connect_timeout,
                   statement_timeout=settings.db_statement_timeout,
                   sqlite_busy_timeout=settings.sqlite_busy_timeout, lock_retries=settings.db_lock_retries)

    @classmethod
    def from_environment(cls) -> DatabaseOptions:
        """The options of the process's environment (SKILLCOACH_* variables)."""
        from skillcoach.settings import Settings

        return cls.from_settings(Settings())
