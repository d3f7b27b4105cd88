"""The same coach on PostgreSQL: SQLAlchemy storage and the LangGraph Postgres checkpointer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from tests.helpers import reply_for
from tests.postgres_db import ADMIN_URL, _admin, fresh_database  # noqa: F401  (re-exported to older importers)

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database per test, dropped afterwards."""
    with fresh_database("skillcoach_test") as url:
        yield url


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
