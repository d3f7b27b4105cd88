"""LangGraph checkpointers for a URL: SQLite file by default, Postgres when configured.

Used by the faces (API, CLI) only; the core below them knows nothing of LangGraph.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from skillcoach.storage.db import StorageError
from skillcoach.tracing.masking import redact_url


def open_checkpointer(url: str, stack: ExitStack) -> BaseCheckpointSaver[str]:
    """A ready (tables created) checkpointer; its connection closes with ``stack``."""
    if url.startswith("sqlite"):
        return _sqlite(url, stack)
    if url.startswith(("postgresql", "postgres")):
        return _postgres(url, stack)
    raise StorageError(f"unsupported checkpoint URL {redact_url(url)!r}: use sqlite:///PATH or postgresql://...")


def _sqlite(url: str, stack: ExitStack) -> BaseCheckpointSaver[str]:
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = url.split("///", 1)[-1] or ":memory:"
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=5.0)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # as the tables: safe against a killed process
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the checkpoint database {path}: {exc}") from None
    stack.callback(conn.close)
    saver = SqliteSaver(conn)
    try:
        saver.setup()
    except sqlite3.Error as exc:
        raise StorageError(f"cannot write the checkpoint database {path}: {exc}") from None
    return saver


def _postgres(url: str, stack: ExitStack) -> BaseCheckpointSaver[str]:
    from langgraph.checkpoint.postgres import PostgresSaver

    plain = url.replace("postgresql+psycopg://", "postgresql://").replace("postgresql+psycopg2://", "postgresql://")
    try:
        manager: AbstractContextManager[PostgresSaver] = PostgresSaver.from_conn_string(plain)
        saver = stack.enter_context(manager)
        saver.setup()
    except Exception as exc:  # psycopg raises many kinds; all mean the same to the user
        raise StorageError(f"cannot open the Postgres checkpointer: {redact_url(str(exc))}") from None
    return saver
