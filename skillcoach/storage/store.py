"""Repository functions over the tables: what the coach reads and writes, in transactions."""

from __future__ import annotations

import functools
import random
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.models import Item
from skillcoach.errors import SkillcoachError
from skillcoach.grading.answers import Grade, Verdict
from skillcoach.i18n import N_
from skillcoach.learner import review
from skillcoach.learner.bkt import ObjectiveKnowledge
from skillcoach.learner.mastery import Change, LearnerModel, MasteryState
from skillcoach.planning.dependents import dependents
from skillcoach.storage.db import DatabaseLocked, StorageError, describe_db_error, is_locked, open_database
from skillcoach.storage.evidence import (
    AttemptResult,
    apply_attempt,
    attempt_details,
    misconceptions_of,
    objective_attempts,
    rebuild_objective,
    replayed,
    state_of,
    write_state,
)
from skillcoach.storage.models import (
    Attempt,
    CoachingSession,
    Learner,
    LearnerMisconception,
    ObjectiveState,
    ReviewCard,
    Turn,
    WeeklyPlan,
)
from skillcoach.storage.options import DatabaseOptions

T = TypeVar("T")
# The turn record's statements, in Core: no ORM objects on the path every turn takes twice.
_TURNS_TABLE, _SESSIONS_TABLE = cast(Table, Turn.__table__), cast(Table, CoachingSession.__table__)
_TURNS, _SESSIONS = _TURNS_TABLE.c, _SESSIONS_TABLE.c
_UPDATE_TURN = update(_TURNS_TABLE).where(_TURNS.session_id == bindparam("b_session"),
                                          _TURNS.number == bindparam("b_number"))  # SET: the columns given
_INSERT_TURN = insert(_TURNS_TABLE)
_ADD_SESSION_TOKENS = (update(_SESSIONS_TABLE).where(_SESSIONS.id == bindparam("b_session"))
                       .values(tokens=func.coalesce(_SESSIONS.tokens, 0) + bindparam("b_tokens")))
# Statements on every answer's path, built once (building them cost more than running them).
_ATTEMPT_OF_TURN = select(Attempt.id).where(Attempt.session_id == bindparam("b_session"),
                                            Attempt.turn == bindparam("b_turn"))
_ITEM_COUNTS = (select(Attempt.item_id, func.count())
                .where(Attempt.learner_id == bindparam("b_learner"), Attempt.objective_id == bindparam("b_objective"))
                .group_by(Attempt.item_id))
# ASCII letters and digits, and Hangul syllables (Korean names such as 지민); no other scripts (look-alikes).
LEARNER_ID = re.compile(r"^[A-Za-z0-9\uac00-\ud7a3][A-Za-z0-9\uac00-\ud7a3_.@-]{0,63}$")


class InvalidLearnerId(SkillcoachError, ValueError):
    """Raised when a learner id has characters or a length that ids may not have."""

    pass


def check_learner_id(learner_id: str) -> str:
    """Return the learner id if it is well formed; InvalidLearnerId with the rule otherwise."""
    if not LEARNER_ID.fullmatch(learner_id or ""):
        raise InvalidLearnerId.message(
            N_("invalid learner id {learner_id!r}: use 1-64 letters (Latin or Hangul), digits, '.', '_', '-' or '@', "
               "starting with a letter or digit"), learner_id=learner_id)
    return learner_id


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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

    Args:
        url: the SQLAlchemy URL of the database; its schema is migrated on opening.
        model: the learner model that folds attempts into mastery (the default parameters if None).
        options: busy timeout, lock retries and pool sizes (from the environment if None).
    """

    def __init__(self, url: str, model: LearnerModel | None = None, options: DatabaseOptions | None = None):
        self.url = url
        self.model = model or LearnerModel()
        self.options = options or DatabaseOptions.from_environment()
        self._sessions: sessionmaker[Session] = open_database(url, self.options)
        self._turn: ContextVar[Session | None] = ContextVar(f"store-turn-{id(self)}", default=None)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A transaction of its own, or the turn's when one is open (``turn``) in this context."""
        joined = self._turn.get()
        if joined is not None:
            yield joined  # committed with the turn record, in ``turn``
            return
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise self._translated(exc) from None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """One transaction for everything a coach turn writes: the attempt, mastery, the turn record.

        Every store call made in this context (the graph's nodes and tools included: a context
        variable carries the session) joins it, and it commits once at the end, so a turn's rows
        are all there or none are. On SQLite the write lock is taken at the turn's first write (the
        attempt, a lesson count) and held to the end of the turn; reads before it take no lock.
        On Postgres each call keeps its own transaction: a connection held for the whole turn would
        compete with the checkpointer for the process's shared pool (``SKILLCOACH_DB_POOL_SIZE``).
        """
        if self._turn.get() is not None or not self.url.startswith("sqlite"):
            yield
            return
        session = self._sessions()
        token = self._turn.set(session)
        try:
            with session.begin():
                yield
        except OperationalError as exc:
            raise self._translated(exc) from None
        finally:
            self._turn.reset(token)
            session.close()

    def _translated(self, exc: OperationalError) -> StorageError:
        error = DatabaseLocked if is_locked(exc) else StorageError
        return error(describe_db_error(exc, self._sessions.kw["bind"]))

    def retrying(self, work: Callable[[], T]) -> T:
        """``work()``, run again after a pause while the database is locked (a bounded number of times).

        Inside a turn's transaction nothing is retried here: only the whole turn could be.
        """
        if self._turn.get() is not None:
            return work()
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
        """Return the learner, creating it with default settings if it does not exist yet."""
        check_learner_id(learner_id)
        with self.transaction() as db:
            learner = db.get(Learner, learner_id)
            if learner is None:
                learner = Learner(id=learner_id, name=learner_id, created_at=now or review.utcnow(),
                                  goals=[], days=[], timezone="UTC", weekly_minutes=120)
                db.add(learner)
            return learner

    def get_learner(self, learner_id: str) -> Learner | None:
        """Return the learner row, or None if there is no such learner."""
        with self.transaction() as db:
            return db.get(Learner, learner_id)

    def list_learners(self) -> list[Learner]:
        """Return every learner row, ordered by id."""
        with self.transaction() as db:
            return list(db.scalars(select(Learner).order_by(Learner.id)))

    # -- sessions -------------------------------------------------------------
    @retry_locked
    def open_session(self, learner_id: str, minutes: int, mode: str = "interactive", *,
                     session_id: str | None = None, started_at: datetime | None = None,
                     status: str = "active") -> CoachingSession:
        """Start a coaching session for the learner and return its row (a new id unless ``session_id`` is given)."""
        with self.transaction() as db:
            row = CoachingSession(id=session_id or uuid.uuid4().hex, learner_id=learner_id, minutes=minutes,
                                  mode=mode, status=status, started_at=started_at or review.utcnow(), summary={})
            db.add(row)
            return row

    def active_session(self, learner_id: str) -> CoachingSession | None:
        """Return the learner's most recent unfinished interactive session, to resume it, or None."""
        with self.transaction() as db:
            query = (select(CoachingSession)
                     .where(CoachingSession.learner_id == learner_id, CoachingSession.status == "active",
                            CoachingSession.mode == "interactive")
                     .order_by(CoachingSession.started_at.desc()))
            return db.scalars(query).first()

    def get_session(self, session_id: str) -> CoachingSession | None:
        """Return the session row, or None if there is no such session."""
        with self.transaction() as db:
            return db.get(CoachingSession, session_id)

    def list_sessions(self, learner_id: str | None = None) -> list[CoachingSession]:
        """Return the sessions in the order they started, all of them or one learner's."""
        with self.transaction() as db:
            query = select(CoachingSession).order_by(CoachingSession.started_at)
            if learner_id:
                query = query.where(CoachingSession.learner_id == learner_id)
            return list(db.scalars(query))

    @retry_locked
    def finish_session(self, session_id: str, summary: dict[str, Any]) -> None:
        """Mark the session finished with its summary; a session already finished is left as it was."""
        with self.transaction() as db:
            row = db.get(CoachingSession, session_id)
            if row is not None and row.status != "finished":
                row.status, row.summary, row.ended_at = "finished", summary, review.utcnow()

    def close_session(self, session_id: str) -> None:
        """Close an open session that a new one replaces (status 'closed'; it keeps its turns)."""
        with self.transaction() as db:
            row = db.get(CoachingSession, session_id)
            if row is not None and row.status == "active":
                row.status, row.ended_at = "closed", review.utcnow()

    # -- turns ----------------------------------------------------------------
    @retry_locked
    def record_turn(self, session_id: str, number: int, trace_id: str, learner_input: dict[str, Any],
                    record: dict[str, Any], tokens: int = 0, llm_calls: int = 0) -> None:
        """Insert or complete the record of one turn (idempotent on session + number).

        Prepared Core statements: a turn writes its record twice (its input before its step runs, its
        outcome after).
        """
        values = {"learner_input": learner_input, "record": record, "tokens": tokens, "llm_calls": llm_calls}
        with self.transaction() as db:
            connection = db.connection()
            if not connection.execute(_UPDATE_TURN, {"b_session": session_id, "b_number": number, **values}).rowcount:
                connection.execute(_INSERT_TURN, {"session_id": session_id, "number": number, "trace_id": trace_id,
                                                  "created_at": review.utcnow(), **values})
            if tokens:
                connection.execute(_ADD_SESSION_TOKENS, {"b_session": session_id, "b_tokens": tokens})

    def turns(self, session_id: str) -> list[Turn]:
        """Return the session's recorded turns in order, for replay."""
        with self.transaction() as db:
            return list(db.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.number)))

    # -- learner model --------------------------------------------------------
    def knowledge(self, learner_id: str) -> dict[str, ObjectiveKnowledge]:
        """Return the learner's knowledge of each objective they have answered, keyed by objective id."""
        with self.transaction() as db:
            rows = db.scalars(select(ObjectiveState).where(ObjectiveState.learner_id == learner_id))
            return {r.objective_id: _knowledge(r) for r in rows}

    def mastered(self, learner_id: str) -> set[str]:
        """Return the ids of the objectives the learner has mastered."""
        with self.transaction() as db:
            rows = db.scalars(select(ObjectiveState.objective_id).where(
                ObjectiveState.learner_id == learner_id, ObjectiveState.mastered_at.is_not(None)))
            return set(rows)

    def review_cards(self, learner_id: str) -> dict[str, dict[str, Any]]:
        """Return the learner's review cards, keyed by objective id."""
        with self.transaction() as db:
            rows = db.scalars(select(ReviewCard).where(ReviewCard.learner_id == learner_id))
            return {r.objective_id: r.card for r in rows}

    @retry_locked
    def record_attempt(self, *, session_id: str, turn: int, learner_id: str, objective_id: str, item: Item,
                       response: str, grade: Grade, review_mode: bool, now: datetime, hints: int = 0,
                       dependents: list[str] | None = None) -> AttemptResult:
        """Write the attempt, then move mastery (and the review card) in the same transaction.

        Idempotent on (session, turn): a replayed step after a crash finds its attempt
        and returns the stored result without counting the answer twice. ``dependents`` are
        the objectives built on this one, re-checked when its mastery is lost.
        """
        mistakes = misconceptions_of(item, response, grade)
        attempt = Attempt(session_id=session_id, turn=turn, learner_id=learner_id, objective_id=objective_id,
                          item_id=item.id, response=response, verdict=grade.verdict.value, score=grade.score,
                          grader=grade.grader, mode="review" if review_mode else "learn",
                          mastery_before=0.0, mastery_after=0.0, created_at=now, disputed=False,
                          details=attempt_details(grade, hints, [m for m, _ in mistakes]))
        try:
            with self.transaction() as db:
                known = db.execute(_ATTEMPT_OF_TURN, {"b_session": session_id, "b_turn": turn}).scalar()
                if known is not None:
                    return _stored_result(db, db.get_one(Attempt, known))
                return apply_attempt(db, self.model, attempt, item, lambda _: list(dependents or []), mistakes)
        except IntegrityError:
            with self.transaction() as db:
                existing = db.scalars(select(Attempt).where(
                    Attempt.session_id == session_id, Attempt.turn == turn)).one()
                return _stored_result(db, existing)

    def weekly_plan(self, learner_id: str, week: str) -> dict[str, Any] | None:
        """Return the plan stored for the learner and ISO week, or None."""
        with self.transaction() as db:
            row = db.scalars(select(WeeklyPlan).where(
                WeeklyPlan.learner_id == learner_id, WeeklyPlan.week == week)).first()
            return row.plan if row else None

    def item_counts(self, learner_id: str, objective_id: str) -> dict[str, int]:
        """How often the learner has answered each item of an objective."""
        with self.transaction() as db:
            rows = db.execute(_ITEM_COUNTS, {"b_learner": learner_id, "b_objective": objective_id})
            return {item_id: int(n) for item_id, n in rows}

    def attempts(self, *, session_id: str | None = None, learner_id: str | None = None) -> list[Attempt]:
        """Return attempts in the order they were recorded, filtered by session, learner, both or neither."""
        with self.transaction() as db:
            query = select(Attempt).order_by(Attempt.id)
            if session_id:
                query = query.where(Attempt.session_id == session_id)
            if learner_id:
                query = query.where(Attempt.learner_id == learner_id)
            return list(db.scalars(query))

    # -- evidence, disputes, misconceptions (0003) -------------------------------
    def states(self, learner_id: str) -> dict[str, MasteryState]:
        """Every objective's mastery state for the learner, as stored."""
        with self.transaction() as db:
            rows = db.scalars(select(ObjectiveState).where(ObjectiveState.learner_id == learner_id))
            return {r.objective_id: state_of(r) for r in rows}

    def state(self, learner_id: str, objective_id: str) -> MasteryState | None:
        """One objective's mastery state for the learner, as stored; None before their first answer or lesson."""
        with self.transaction() as db:
            row = db.get(ObjectiveState, (learner_id, objective_id))
            return state_of(row) if row is not None else None

    def provisional(self, learner_id: str) -> dict[str, datetime]:
        """Objectives provisionally mastered, waiting for a right answer on a later day, and since when."""
        return {oid: s.provisional_at for oid, s in self.states(learner_id).items()
                if s.provisional_at is not None and s.mastered_at is None}

    def replayed_states(self, learner_id: str, curriculum: Curriculum) -> dict[str, MasteryState]:
        """The states the attempt log gives (nothing is written): to compare with ``states``."""
        with self.transaction() as db:
            oids = set(db.scalars(select(Attempt.objective_id).where(Attempt.learner_id == learner_id)))
            return {oid: replayed(objective_attempts(db, learner_id, oid), curriculum.items, self.model)
                    for oid in oids}

    def rebuild(self, learner_id: str, curriculum: Curriculum, now: datetime) -> dict[str, MasteryState]:
        """Recompute and store every objective's state from the attempt log."""
        with self.transaction() as db:
            oids = sorted(set(db.scalars(select(Attempt.objective_id).where(Attempt.learner_id == learner_id))))
            return {oid: rebuild_objective(db, self.model, learner_id, oid, curriculum.items,
                                           lambda o: dependents(curriculum, o), now) for oid in oids}

    def last_graded(self, session_id: str) -> Attempt | None:
        """Return the session's latest graded attempt, the one a dispute would refer to, or None."""
        with self.transaction() as db:
            return db.scalars(select(Attempt).where(Attempt.session_id == session_id)
                              .order_by(Attempt.turn.desc())).first()

    def dispute(self, attempt_id: int, curriculum: Curriculum, now: datetime) -> MasteryState:
        """Mark an attempt disputed: it leaves the learner model until it is re-graded."""
        return self._regrade(attempt_id, curriculum, now, disputed=True)

    def resolve_dispute(self, attempt_id: int, curriculum: Curriculum, now: datetime, *, verdict: str | None = None,
                        score: float | None = None, grader: str = "operator") -> MasteryState:
        """Settle a dispute: keep the grade (no verdict) or replace it; the attempt counts again."""
        return self._regrade(attempt_id, curriculum, now, disputed=False, verdict=verdict, score=score, grader=grader)

    def _regrade(self, attempt_id: int, curriculum: Curriculum, now: datetime, *, disputed: bool,
                 verdict: str | None = None, score: float | None = None, grader: str = "operator") -> MasteryState:
        with self.transaction() as db:
            attempt = db.get(Attempt, attempt_id)
            if attempt is None:
                raise UnknownAttempt(f"no attempt with id {attempt_id}")
            attempt.disputed = disputed
            details = dict(attempt.details or {})
            details["disputed"] = disputed
            if verdict is not None:
                details["regraded"] = {"from": attempt.verdict, "score": attempt.score, "by": grader,
                                       "at": now.isoformat()}
                attempt.verdict, attempt.score, attempt.grader = verdict, _score_for(verdict, score), grader
                details["confidence"] = 1.0  # a person's or the judge's re-grade is taken as sure
            attempt.details = details
            return rebuild_objective(db, self.model, attempt.learner_id, attempt.objective_id, curriculum.items,
                                     lambda o: dependents(curriculum, o), now)

    def disputes(self, learner_id: str | None = None) -> list[Attempt]:
        """Return the disputed attempts in the order they were made, all of them or one learner's."""
        with self.transaction() as db:
            query = select(Attempt).where(Attempt.disputed.is_(True)).order_by(Attempt.id)
            if learner_id:
                query = query.where(Attempt.learner_id == learner_id)
            return list(db.scalars(query))

    def evidence_count(self) -> int:
        """How many undisputed attempts the log holds: what decides whether the model is fitted again."""
        with self.transaction() as db:
            return int(db.scalar(select(func.count()).select_from(Attempt).where(Attempt.disputed.is_(False))) or 0)

    def evidence_rows(self) -> list[tuple[str, str, str, float]]:
        """(learner, objective, item, score) of every undisputed attempt, in log order: to fit the model."""
        with self.transaction() as db:
            query = (select(Attempt.learner_id, Attempt.objective_id, Attempt.item_id, Attempt.score)
                     .where(Attempt.disputed.is_(False)).order_by(Attempt.created_at, Attempt.id))
            return [(str(a), str(b), str(c), float(d)) for a, b, c, d in db.execute(query)]

    def evidence(self, learner_id: str, objective_id: str) -> list[Attempt]:
        """The attempts behind an objective's estimate, oldest first."""
        with self.transaction() as db:
            return objective_attempts(db, learner_id, objective_id)

    def misconceptions(self, learner_id: str) -> list[LearnerMisconception]:
        """Return the learner's recorded misconceptions, most frequent first."""
        with self.transaction() as db:
            return list(db.scalars(select(LearnerMisconception).where(LearnerMisconception.learner_id == learner_id)
                                   .order_by(LearnerMisconception.count.desc(), LearnerMisconception.misconception_id)))

    def study_counts(self, learner_id: str) -> dict[str, tuple[int, int]]:
        """Per objective: lessons shown and sessions in a row without progress."""
        with self.transaction() as db:
            rows = db.scalars(select(ObjectiveState).where(ObjectiveState.learner_id == learner_id))
            return {r.objective_id: (r.lessons or 0, r.stuck_sessions or 0) for r in rows}

    def note_lesson(self, learner_id: str, objective_id: str, now: datetime) -> int:
        """Count a lesson shown on the objective; returns how many were shown before this one."""
        with self.transaction() as db:
            row = db.get(ObjectiveState, (learner_id, objective_id)) or write_state(
                db, learner_id, objective_id, MasteryState(), now)
            shown = row.lessons or 0
            row.lessons = shown + 1
            return shown

    def note_session_progress(self, learner_id: str, progressed: dict[str, bool]) -> None:
        """After a session: objectives that made progress reset their stuck count, the others add one."""
        with self.transaction() as db:
            for oid, moved in progressed.items():
                row = db.get(ObjectiveState, (learner_id, oid))
                if row is not None:
                    row.stuck_sessions = 0 if moved else (row.stuck_sessions or 0) + 1


def _knowledge(row: ObjectiveState) -> ObjectiveKnowledge:
    return state_of(row).knowledge


def _stored_result(db: Session, attempt: Attempt) -> AttemptResult:
    state = state_of(db.get(ObjectiveState, (attempt.learner_id, attempt.objective_id)))
    # A step redone after a crash must tell the same story: this attempt changed the mastery state if
    # the stamp was written in its own transaction (same moment).
    at = as_utc(attempt.created_at)
    confirmed = state.mastered_at is not None and as_utc(state.mastered_at) == at
    provisional = state.provisional_at is not None and as_utc(state.provisional_at) == at
    change = Change.CONFIRMED if confirmed else Change.PROVISIONAL if provisional else Change.NONE
    return AttemptResult(attempt.mastery_before, attempt.mastery_after, state.mastered_at is not None, confirmed, True,
                         state.status, change.value, attempt_id=attempt.id)


class UnknownAttempt(SkillcoachError, LookupError):
    """Raised when an attempt id names no recorded attempt."""

    pass


def _score_for(verdict: str, score: float | None) -> float:
    if score is not None:
        return min(1.0, max(0.0, score))
    return {"correct": 1.0, "partial": 0.5}.get(verdict, 0.0)


__all__ = ["AttemptResult", "InvalidLearnerId", "LearnerModel", "StorageError", "Store", "UnknownAttempt", "Verdict",
           "as_utc", "check_learner_id"]
