from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skillcoach.curriculum.models import Item
from skillcoach.grading.answers import grade
from skillcoach.storage.db import StorageError
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import InvalidLearnerId, Store
from tests.unit.factories import mcq, true_false

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'db' / 'x.db'}")


def attempt(store: Store, session_id: str, turn: int, item_id: str = "s/o/q1", answer: str = "b", *,  # type: ignore[no-untyped-def]
            item: Item | None = None, now: datetime = NOW, review_mode: bool = False):
    item = item or mcq(item_id)
    return store.record_attempt(session_id=session_id, turn=turn, learner_id="ada", objective_id="s/o",
                                item=item, response=answer, grade=grade(item, answer), review_mode=review_mode,
                                now=now)


def test_migrations_create_every_table(store: Store) -> None:
    from skillcoach.storage.db import table_names

    assert table_names(store._sessions.kw["bind"]) == [
        "alembic_version", "attempts", "learner_misconceptions", "learners", "objective_state", "review_cards",
        "run_claims", "session_leases", "sessions", "turns", "web_accounts", "weekly_plans"]


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
    results = [attempt(store, session.id, n, f"s/o/q{n}") for n in (1, 2, 3)]
    results.append(attempt(store, session.id, 4, answer="true", item=true_false("s/o/t")))
    assert [r.status for r in results] == ["learning", "learning", "learning", "provisional"]
    assert store.mastered("ada") == set() and store.provisional("ada") == {"s/o": NOW}
    assert "s/o" not in store.review_cards("ada"), "no card before a confirmation on a later day"
    for turn, day in ((5, 1), (6, 3)):
        early = attempt(store, session.id, turn, "s/o/q1", now=NOW + timedelta(days=day), review_mode=True)
        assert early.status == "provisional", f"{turn} answers in all are too few to confirm"
    assert "s/o" not in store.review_cards("ada")
    confirm = attempt(store, session.id, 7, "s/o/q2", now=NOW + timedelta(days=5), review_mode=True)
    assert confirm.newly_mastered and confirm.status == "mastered"
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
            Store(url, options=options).ensure_learner("ada")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_misconceptions_from_wrong_choices_are_counted_per_learner(store: Store) -> None:
    item = Item.model_validate({
        "id": "s/o/m1", "kind": "mcq", "difficulty": 1, "prompt": "Which one is it?", "answer": "b",
        "explanation": "Because b is right.",
        "choices": [{"key": "a", "text": "choice a", "feedback": "This confuses X with Y.",
                     "misconception": "s/x-vs-y"},
                    {"key": "b", "text": "choice b"}, {"key": "c", "text": "choice c", "feedback": "Not c."}]})
    store.ensure_learner("ada")
    session = store.open_session("ada", 20)
    attempt(store, session.id, 1, item=item, answer="a")
    attempt(store, session.id, 2, item=item, answer="c")
    attempt(store, session.id, 3, item=item, answer="a", now=NOW + timedelta(days=1))
    [row] = store.misconceptions("ada")
    assert (row.misconception_id, row.count, row.feedback) == ("s/x-vs-y", 2, "This confuses X with Y.")
    first = store.attempts(learner_id="ada")[0]
    assert first.details["misconceptions"] == ["s/x-vs-y"] and not first.disputed  # type: ignore[index]
    assert store.states("ada")["s/o"].recheck == {"s/o/m1"}, "the item is re-asked before mastery"
