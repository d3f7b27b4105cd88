"""One Postgres connection pool per process, shared by the store (SQLAlchemy) and the checkpointer.

psycopg_pool owns the connections. SQLAlchemy borrows one per transaction through a ``creator``
with its own pooling off (NullPool); the pool is opened with ``close_returns=True``, so when
SQLAlchemy closes a connection it goes back to the pool (the pattern psycopg documents for
SQLAlchemy). The LangGraph checkpointer takes the pool itself. Connections wait in the pool in
autocommit mode, as the checkpointer needs; SQLAlchemy switches a borrowed one to transactions.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from contextlib import suppress
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from skillcoach.storage.db import StorageError
from skillcoach.storage.options import DatabaseOptions

_POOLS: dict[tuple[str, int], ConnectionPool] = {}
_GUARD = threading.Lock()
FULL_SERVER = ("too many clients", "too many connections", "remaining connection slots")


class PoolConnection(psycopg.Connection):
    """A pooled connection that keeps one copy of each notice handler.

    SQLAlchemy adds its handler each time it borrows a connection; without this a connection
    lent a thousand times would log each server notice a thousand times.
    """

    def add_notice_handler(self, callback: Any) -> None:
        """Register a notice handler once, replacing the copy SQLAlchemy added on an earlier borrow."""
        with suppress(ValueError):
            self.remove_notice_handler(callback)
        super().add_notice_handler(callback)


def libpq_url(url: str) -> str:
    """The URL without SQLAlchemy's driver suffix (postgresql+psycopg:// -> postgresql://)."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme.startswith("postgres") else url


def connection_kwargs(options: DatabaseOptions) -> dict[str, Any]:
    """Connect and statement timeouts for every connection of the process."""
    kwargs: dict[str, Any] = {"connect_timeout": max(2, round(options.connect_timeout))}
    if options.statement_timeout:
        kwargs["options"] = f"-c statement_timeout={int(options.statement_timeout * 1000)}"
    return kwargs


def shared_pool(url: str, options: DatabaseOptions) -> ConnectionPool:
    """The process's pool for ``url`` (opened on first use; the first opener's options count)."""
    conninfo = libpq_url(url)
    key = (conninfo, os.getpid())  # a forked worker opens its own: connections do not cross a fork
    with _GUARD:
        pool = _POOLS.get(key)
        if pool is None or pool.closed:
            first_contact(conninfo, options)
            pool = _open(conninfo, options)
            _POOLS[key] = pool
    return pool


def _open(conninfo: str, options: DatabaseOptions) -> ConnectionPool:
    kwargs = {"autocommit": True, "prepare_threshold": 0, **connection_kwargs(options)}
    # min_size=0: no connection is held while idle, and none is re-made for a database that is gone.
    return ConnectionPool(conninfo, min_size=0, max_size=options.pool_size, kwargs=kwargs,
                          connection_class=PoolConnection, close_returns=True, timeout=options.pool_timeout,
                          reset=_back_to_autocommit, check=ConnectionPool.check_connection if options.pool_pre_ping
                          else None, name="skillcoach", open=True)


def _back_to_autocommit(conn: psycopg.Connection) -> None:
    conn.autocommit = True


def borrow(pool: ConnectionPool) -> psycopg.Connection:
    """A connection for SQLAlchemy: in transaction mode; closing it returns it to the pool."""
    conn = pool.getconn()
    conn.autocommit = False
    return conn


def first_contact(conninfo: str, options: DatabaseOptions) -> None:
    """Connect once before pooling, so a refusing or silent server fails fast with its own reason.

    A server full of clients is waited for (up to the pool timeout), since other processes
    give their connections back; anything else fails at once.
    """
    deadline = time.monotonic() + options.pool_timeout
    pause = 0.1
    while True:
        try:
            psycopg.connect(conninfo, **connection_kwargs(options)).close()
            return
        except psycopg.OperationalError as exc:
            reason = first_line(exc)
            if not is_full(reason) or time.monotonic() + pause > deadline:
                raise ServerUnavailable(describe_connect_failure(conninfo, reason, options)) from None
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def first_line(exc: BaseException) -> str:
    """Return the first line of an error's message, or its class name when the message is empty."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def is_full(reason: str) -> bool:
    """Tell whether a connection failure means the server has no connection slots left."""
    return any(marker in reason for marker in FULL_SERVER)


def describe_connect_failure(conninfo: str, reason: str, options: DatabaseOptions) -> str:
    """One line naming the server (no password), the cause and the setting to change."""
    where = hide_password(conninfo)
    if is_full(reason):
        return (f"the Postgres server {where} refuses more connections ({reason}); each process holds up to "
                f"SKILLCOACH_DB_POOL_SIZE={options.pool_size}: lower it, run fewer processes, or raise the "
                "server's max_connections")
    if "timeout" in reason.lower():
        return (f"the Postgres server {where} did not answer within SKILLCOACH_DB_CONNECT_TIMEOUT="
                f"{options.connect_timeout:g} s; check that it is up and reachable")
    return f"cannot connect to the Postgres server {where}: {reason}"


def describe_pool_error(exc: BaseException, conninfo: str, options: DatabaseOptions) -> str | None:
    """The one-line message for a pool or timeout failure, or None when it is something else."""
    reason = first_line(exc)
    if isinstance(exc, PoolTimeout):
        return (f"no free connection to {hide_password(conninfo)} within SKILLCOACH_DB_POOL_TIMEOUT="
                f"{options.pool_timeout:g} s (SKILLCOACH_DB_POOL_SIZE={options.pool_size} per process); "
                "the server may be overloaded or refusing connections")
    if "statement timeout" in reason:
        return (f"the Postgres server {hide_password(conninfo)} did not finish a statement within "
                f"SKILLCOACH_DB_STATEMENT_TIMEOUT={options.statement_timeout:g} s")
    if is_full(reason) or "timeout" in reason.lower():
        return describe_connect_failure(conninfo, reason, options)
    return None


def hide_password(conninfo: str) -> str:
    """Return a connection string safe to show: its password hidden, or only the host part if it will not parse."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(conninfo).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL we cannot parse is shown without its credentials part
        return conninfo.rsplit("@", 1)[-1]


class ServerUnavailable(StorageError):
    """The Postgres server refused or did not answer; the message names the setting to change."""


@atexit.register
def close_pools() -> None:
    """Close this process's pools (at exit; tests call it between databases)."""
    with _GUARD:
        mine = [key for key in _POOLS if key[1] == os.getpid()]
        for key in mine:
            _POOLS.pop(key).close(timeout=1.0)
