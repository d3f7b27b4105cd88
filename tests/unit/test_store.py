from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from skillcoach.grading.answers import grade
from skillcoach.storage.db import StorageError
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import InvalidLearnerId, Store
from tests.unit.factories import mcq

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'db' / 'x.db'}")


def attempt(store: Store, session_id: str, turn: int, item_id: str = "s/o/q1", answer: str = "b"):  # type: ignore[no-untyped-def]
    item = mcq(item_id)
    return store.record_attempt(session_id=session_id, turn=turn, learner_id="ada", objective_id="s/o",
                                item=item, response=answer, grade=grade(item, answer), review_mode=False, now=NOW)


def test_migrations_create_every_table(store: Store) -> None:
    from skillcoach.storage.db import table_names

    assert table_names(store._sessions.kw["bind"]) == [
        "alembic_version", "attempts", "learners", "objective_state", "review_cards", "session_leases", "sessions",
        "turns",
        "weekly_plans"]


def test_attempt_is_written_once_per_session_turn(store: Store) -> None:
    store.ensure_learner("ada")
    session = store.open_session("ada", 20)
    first = attempt(store, session.id, 1)
    again = attempt(store, session.id, 1)
    assert not first.duplicate and again.duplicate
    assert again.mastery_after == first.mastery_after
    assert len(store.attempts(session_id=session.id)) == 1
    assert store.knowledge("ada")["s/o"].responses == 1


def test_mastery_creates_a_review_card(store: Store) -> None:
    store.ensure_learner("ada")
    session = store.open_session("ada", 20)
    results = [attempt(store, session.id, n, f"s/o/q{n}") for n in (1, 2, 3, 4)]
    assert [r.newly_mastered for r in results] == [False, False, False, True]
    assert store.mastered("ada") == {"s/o"}
    assert "s/o" in store.review_cards("ada")


def test_invalid_learner_ids_are_refused(store: Store) -> None:
    for bad in ("", " ", "-x", "a" * 65, "a b", "../etc", "x\n"):
        with pytest.raises(InvalidLearnerId):
            store.ensure_learner(bad)


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match="cannot create the data directory"):
        Store(f"sqlite:///{blocker / 'sub' / 'x.db'}")


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    import sqlite3

    url = f"sqlite:///{tmp_path / 'x.db'}"
    Store(url)  # create it
    holder = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        options = DatabaseOptions(sqlite_busy_timeout=0.2, lock_retries=2)
        with pytest.raises(StorageError, match="stayed locked .* use Postgres"):
            Store(url, options).ensure_learner("ada")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
