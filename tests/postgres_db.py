"""Throw-away PostgreSQL databases for the tests that run on the loopback server (skip when it is absent)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

ADMIN_URL = os.environ.get("SKILLCOACH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _admin() -> Any:
    """An autocommit connection to the admin database; the test skips, saying why, when none can be had."""
    import psycopg

    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL} ({str(exc).strip().splitlines()[0]})")


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A new database named after ``prefix``, as a SQLAlchemy URL; dropped (pools closed first) afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        from skillcoach.storage.pool import close_pools

        close_pools()  # this process's pooled connections would hold the database open
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
