"""The same coach on PostgreSQL: SQLAlchemy storage and the LangGraph Postgres checkpointer."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from tests.helpers import reply_for

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
ADMIN_URL = os.environ.get("SKILLCOACH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL} ({str(exc).strip().splitlines()[0]})")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database per test, dropped afterwards."""
    name = f"skillcoach_test_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_session_on_postgres_persists_and_resumes(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=pg_url)
    assert settings.resolved_checkpoint_url == pg_url
    with Coach(settings) as coach:
        session = coach.session("ada", minutes=10)
        session.start()
        session.send(reply_for(coach.curriculum, session.pending))
        session.send(reply_for(coach.curriculum, session.pending))
        waiting, sid = session.pending, session.id
    assert not list(tmp_path.glob("*.db")), "nothing went to SQLite"
    with Coach(settings) as coach:
        session = coach.session("ada")
        events = session.start()
        assert session.id == sid and events[-1] == waiting
        while not session.finished:
            session.send(reply_for(coach.curriculum, session.pending))
        attempts = coach.store.attempts(session_id=sid)
        assert attempts and len({a.turn for a in attempts}) == len(attempts)
        assert coach.store.get_session(sid).status == "finished"
        history = list(coach.graph.get_state_history(session.config))
        assert len(history) > 5, "the Postgres checkpointer kept every step"
