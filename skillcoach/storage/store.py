"""Repository functions over the tables: what the coach reads and writes, in transactions."""

from __future__ import annotations

import functools
import random
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from skillcoach.curriculum.models import Item
from skillcoach.errors import SkillcoachError
from skillcoach.grading.answers import Grade, Verdict
from skillcoach.learner import review
from skillcoach.learner.bkt import ObjectiveKnowledge, update
from skillcoach.storage.db import DatabaseLocked, StorageError, describe_db_error, is_locked, open_database
from skillcoach.storage.models import (
    Attempt,
    CoachingSession,
    Learner,
    ObjectiveState,
    ReviewCard,
    Turn,
    WeeklyPlan,
)
from skillcoach.storage.options import DatabaseOptions

T = TypeVar("T")
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


class InvalidLearnerId(SkillcoachError, ValueError):
    pass


def check_learner_id(learner_id: str) -> str:
    if not LEARNER_ID.fullmatch(learner_id or ""):
        raise InvalidLearnerId(
            f"invalid learner id {learner_id!r}: use 1-64 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    return learner_id


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AttemptResult:
    mastery_before: float
    mastery_after: float
    mastered: bool
    newly_mastered: bool
    duplicate: bool


def retry_locked(method: Callable[..., T]) -> Callable[..., T]:
    """Run a write transaction again, whole, when SQLite reports "database is locked"."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> T:
        return self.retrying(lambda: method(self, *args, **kwargs))
    return wrapper


class Store:
    """Thin repository over one database; every public method is one transaction.

    Safe to share between threads: each transaction takes its own connection. Write
    transactions are retried whole (with backoff, ``lock_retries`` times) when SQLite stays
    locked past its busy timeout; after that the error tells the operator to move to Postgres.
    """

    def __init__(self, url: str, options: DatabaseOptions | None = None):
        self.url = url
        self.options = options or DatabaseOptions.from_environment()
        self._sessions: sessionmaker[Session] = open_database(url, self.options)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            error = DatabaseLocked if is_locked(exc) else StorageError
            raise error(describe_db_error(exc, self._sessions.kw["bind"])) from None

    def retrying(self, work: Callable[[], T]) -> T:
        """``work()``, run again after a pause while the database is locked (a bounded number of times)."""
        pause = 0.05
        for attempt in range(self.options.lock_retries + 1):
            try:
                return work()
            except DatabaseLocked:
                if attempt == self.options.lock_retries:
                    raise
            time.sleep(pause * (1 + random.random()))  # jitter: writers that collided do not collide again
            pause = min(pause * 2, 2.0)
        raise AssertionError("unreachable")

    # -- learners -------------------------------------------------------------
    @retry_locked
    def ensure_learner(self, learner_id: str, now: datetime | None = None) -> Learner:
        check_learner_id(learner_id)
        with self.transaction() as db:
            learner = db.get(Learner, learner_id)
            if learner is None:
                learner = Learner(id=learner_id, name=learner_id, created_at=now or review.utcnow(),
                                  goals=[], days=[], timezone="UTC", weekly_minutes=120)
                db.add(learner)
            return learner

    def get_learner(self, learner_id: str) -> Learner | None:
        with self.transaction() as db:
            return db.get(Learner, learner_id)

    def list_learners(self) -> list[Learner]:
        with self.transaction() as db:
            return list(db.scalars(select(Learner).order_by(Learner.id)))

    # -- sessions -------------------------------------------------------------
    @retry_locked
    def open_session(self, learner_id: str, minutes: int, mode: str = "interactive", *,
                     session_id: str | None = None, started_at: datetime | None = None,
                     status: str = "active") -> CoachingSession:
        with self.transaction() as db:
            row = CoachingSession(id=session_id or uuid.uuid4().hex, learner_id=learner_id, minutes=minutes,
                                  mode=mode, status=status, started_at=started_at or review.utcnow(), summary={})
            db.add(row)
            return row

    def active_session(self, learner_id: str) -> CoachingSession | None:
        with self.transaction() as db:
            query = (select(CoachingSession)
                     .where(CoachingSession.learner_id == learner_id, CoachingSession.status == "active",
                            CoachingSession.mode == "interactive")
                     .order_by(CoachingSession.started_at.desc()))
            return db.scalars(query).first()

    def get_session(self, session_id: str) -> CoachingSession | None:
        with self.transaction() as db:
            return db.get(CoachingSession, session_id)

    def list_sessions(self, learner_id: str | None = None) -> list[CoachingSession]:
        with self.transaction() as db:
            query = select(CoachingSession).order_by(CoachingSession.started_at)
            if learner_id:
                query = query.where(CoachingSession.learner_id == learner_id)
            return list(db.scalars(query))

    @retry_locked
    def finish_session(self, session_id: str, summary: dict[str, Any]) -> None:
        with self.transaction() as db:
            row = db.get(CoachingSession, session_id)
            if row is not None and row.status != "finished":
                row.status, row.summary, row.ended_at = "finished", summary, review.utcnow()

    # -- turns ----------------------------------------------------------------
    @retry_locked
    def record_turn(self, session_id: str, number: int, trace_id: str, learner_input: dict[str, Any],
                    record: dict[str, Any], tokens: int = 0, llm_calls: int = 0) -> None:
        """Insert or complete the record of one turn (idempotent on session + number)."""
        with self.transaction() as db:
            row = db.scalars(select(Turn).where(Turn.session_id == session_id, Turn.number == number)).first()
            if row is None:
                row = Turn(session_id=session_id, number=number, trace_id=trace_id, created_at=review.utcnow())
                db.add(row)
            row.learner_input, row.record, row.tokens, row.llm_calls = learner_input, record, tokens, llm_calls
            session = db.get(CoachingSession, session_id)
            if session is not None:
                session.tokens = (session.tokens or 0) + tokens

    def turns(self, session_id: str) -> list[Turn]:
        with self.transaction() as db:
            return list(db.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.number)))

    # -- learner model --------------------------------------------------------
    def knowledge(self, learner_id: str) -> dict[str, ObjectiveKnowledge]:
        with self.transaction() as db:
            rows = db.scalars(select(ObjectiveState).where(ObjectiveState.learner_id == learner_id))
            return {r.objective_id: _knowledge(r) for r in rows}

    def mastered(self, learner_id: str) -> set[str]:
        with self.transaction() as db:
            rows = db.scalars(select(ObjectiveState.objective_id).where(
                ObjectiveState.learner_id == learner_id, ObjectiveState.mastered_at.is_not(None)))
            return set(rows)

    def review_cards(self, learner_id: str) -> dict[str, dict[str, Any]]:
        with self.transaction() as db:
            rows = db.scalars(select(ReviewCard).where(ReviewCard.learner_id == learner_id))
            return {r.objective_id: r.card for r in rows}

    @retry_locked
    def record_attempt(self, *, session_id: str, turn: int, learner_id: str, objective_id: str, item: Item,
                       response: str, grade: Grade, review_mode: bool, now: datetime) -> AttemptResult:
        """Write the attempt, then move mastery (and the review card) in the same transaction.

        Idempotent on (session, turn): a replayed step after a crash finds its attempt
        and returns the stored result without counting the answer twice.
        """
        try:
            with self.transaction() as db:
                existing = db.scalars(select(Attempt).where(
                    Attempt.session_id == session_id, Attempt.turn == turn)).first()
                if existing is not None:
                    return _stored_result(db, existing)
                return _apply_attempt(db, session_id, turn, learner_id, objective_id, item, response,
                                      grade, review_mode, now)
        except IntegrityError:
            with self.transaction() as db:
                existing = db.scalars(select(Attempt).where(
                    Attempt.session_id == session_id, Attempt.turn == turn)).one()
                return _stored_result(db, existing)

    def weekly_plan(self, learner_id: str, week: str) -> dict[str, Any] | None:
        with self.transaction() as db:
            row = db.scalars(select(WeeklyPlan).where(
                WeeklyPlan.learner_id == learner_id, WeeklyPlan.week == week)).first()
            return row.plan if row else None

    def item_counts(self, learner_id: str, objective_id: str) -> dict[str, int]:
        """How often the learner has answered each item of an objective."""
        with self.transaction() as db:
            rows = db.execute(select(Attempt.item_id, func.count()).where(
                Attempt.learner_id == learner_id, Attempt.objective_id == objective_id).group_by(Attempt.item_id))
            return {item_id: int(n) for item_id, n in rows}

    def attempts(self, *, session_id: str | None = None, learner_id: str | None = None) -> list[Attempt]:
        with self.transaction() as db:
            query = select(Attempt).order_by(Attempt.id)
            if session_id:
                query = query.where(Attempt.session_id == session_id)
            if learner_id:
                query = query.where(Attempt.learner_id == learner_id)
            return list(db.scalars(query))


def _knowledge(row: ObjectiveState) -> ObjectiveKnowledge:
    return ObjectiveKnowledge(p_mastery=row.p_mastery, responses=row.responses, items=frozenset(row.items))


def _stored_result(db: Session, attempt: Attempt) -> AttemptResult:
    state = db.get(ObjectiveState, (attempt.learner_id, attempt.objective_id))
    mastered = bool(state and state.mastered_at)
    return AttemptResult(attempt.mastery_before, attempt.mastery_after, mastered, False, True)


def _apply_attempt(db: Session, session_id: str, turn: int, learner_id: str, objective_id: str, item: Item,
                   response: str, grade: Grade, review_mode: bool, now: datetime) -> AttemptResult:
    state = db.get(ObjectiveState, (learner_id, objective_id))
    before = _knowledge(state) if state else ObjectiveKnowledge()
    after = update(before, item, grade.score)
    db.add(Attempt(session_id=session_id, turn=turn, learner_id=learner_id, objective_id=objective_id,
                   item_id=item.id, response=response, verdict=grade.verdict.value, score=grade.score,
                   grader=grade.grader, mode="review" if review_mode else "learn",
                   mastery_before=before.p_mastery, mastery_after=after.p_mastery,
                   created_at=now))
    db.flush()  # the unique (session, turn) check fires here, before mastery moves
    if state is None:
        state = ObjectiveState(learner_id=learner_id, objective_id=objective_id, p_mastery=0.0, items=[],
                               responses=0, updated_at=now)
        db.add(state)
    was_mastered = state.mastered_at is not None
    state.p_mastery, state.responses, state.items = after.p_mastery, after.responses, sorted(after.items)
    state.updated_at = now
    newly = not was_mastered and after.mastered
    if newly:
        state.mastered_at = now
        _put_card(db, learner_id, objective_id, review.new_card(learner_id, objective_id, now))
    elif was_mastered and review_mode:
        card = db.get(ReviewCard, (learner_id, objective_id))
        base = card.card if card else review.new_card(learner_id, objective_id, now)
        _put_card(db, learner_id, objective_id, review.review(base, grade.verdict, now))
    return AttemptResult(before.p_mastery, after.p_mastery, was_mastered or newly, newly, False)


def _put_card(db: Session, learner_id: str, objective_id: str, card: dict[str, Any]) -> None:
    row = db.get(ReviewCard, (learner_id, objective_id))
    if row is None:
        db.add(ReviewCard(learner_id=learner_id, objective_id=objective_id, card=card, due=review.due_at(card)))
    else:
        row.card, row.due = card, review.due_at(card)


__all__ = ["AttemptResult", "InvalidLearnerId", "Store", "StorageError", "Verdict", "as_utc", "check_learner_id"]
