"""Learners and their study settings: repository functions over the learners table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillcoach.errors import SkillcoachError
from skillcoach.i18n import N_
from skillcoach.learner.bkt import ObjectiveKnowledge
from skillcoach.learner.profile import DEFAULT_TIMEZONE, DEFAULT_WEEKLY_MINUTES, LearnerProfile, StudyState
from skillcoach.storage.models import Learner, ObjectiveState, ReviewCard
from skillcoach.storage.store import Store, check_learner_id

_PROFILE_ROW = select(Learner.id, Learner.name, Learner.weekly_minutes, Learner.goals, Learner.days,
                      Learner.timezone, Learner.lang).where(Learner.id == bindparam("learner_id"))
_KNOWLEDGE_ROWS = select(ObjectiveState.objective_id, ObjectiveState.p_mastery, ObjectiveState.responses,
                         ObjectiveState.items, ObjectiveState.mastered_at).where(
                             ObjectiveState.learner_id == bindparam("learner_id"))
_CARD_ROWS = select(ReviewCard.objective_id, ReviewCard.card).where(ReviewCard.learner_id == bindparam("learner_id"))


class UnknownLearner(SkillcoachError, LookupError):
    """Raised when a learner id names nobody; the message says how to add the learner."""

    def __init__(self, learner_id: str):
        msgid = N_("no learner {learner_id!r}: add one with 'skillcoach learner add {learner_id}' "
                   "or 'skillcoach learner import FILE.csv'")
        super().__init__(msgid.format(learner_id=learner_id))
        self.msgid, self.values = msgid, {"learner_id": learner_id}  # shown in the learner's language


class LearnerExists(SkillcoachError, ValueError):
    """Raised when adding a learner whose id is taken; the message says how to change the learner instead."""

    def __init__(self, learner_id: str):
        msgid = N_("learner {learner_id!r} already exists: change it with 'skillcoach learner import FILE.csv'")
        super().__init__(msgid.format(learner_id=learner_id))
        self.msgid, self.values = msgid, {"learner_id": learner_id}


@dataclass(frozen=True)
class LearnerUpdate:
    """The fields given for one learner; fields left out keep their stored (or default) value."""

    learner_id: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class ImportCounts:
    """How many learners a CSV import added and how many it updated."""

    added: int
    updated: int


def profile_of(row: Learner) -> LearnerProfile:
    """Turn a learner row into the profile the planner and the faces read."""
    return LearnerProfile(id=row.id, name=row.name, weekly_minutes=row.weekly_minutes, goals=tuple(row.goals),
                          days=tuple(row.days), timezone=row.timezone, lang=row.lang)


def add_learner(store: Store, update: LearnerUpdate, now: datetime) -> LearnerProfile:
    """Create a learner; an id that exists is an error (nothing changes)."""
    check_learner_id(update.learner_id)
    try:
        with store.transaction() as db:
            if db.get(Learner, update.learner_id) is not None:
                raise LearnerExists(update.learner_id)
            row = _new_row(update, now)
            db.add(row)
            db.flush()
            return profile_of(row)
    except IntegrityError:
        raise LearnerExists(update.learner_id) from None


def upsert_learners(store: Store, updates: list[LearnerUpdate], now: datetime) -> ImportCounts:
    """Add new learners and update known ones, all in one transaction."""
    added = 0
    with store.transaction() as db:
        ids = [u.learner_id for u in updates]
        known = {row.id: row for row in db.scalars(select(Learner).where(Learner.id.in_(ids)))}
        for update in updates:
            row = known.get(update.learner_id)
            if row is None:
                db.add(_new_row(update, now))
                added += 1
            else:
                _apply(row, update.fields)
    return ImportCounts(added=added, updated=len(updates) - added)


def get_profile(store: Store, learner_id: str) -> LearnerProfile:
    """Return a learner's profile; UnknownLearner if there is no such learner."""
    check_learner_id(learner_id)
    with store.transaction() as db:
        return profile_of(_row(db, learner_id))


def list_profiles(store: Store) -> list[LearnerProfile]:
    """Return every learner's profile, ordered by id."""
    with store.transaction() as db:
        return [profile_of(row) for row in db.scalars(select(Learner).order_by(Learner.id))]


def set_lang(store: Store, learner_id: str, lang: str) -> None:
    """Store the language a learner is coached in (progress is shared across languages: same ids)."""
    with store.transaction() as db:
        _row(db, learner_id).lang = lang


def learner_ids(store: Store) -> list[str]:
    """Return every learner id, sorted, for batch jobs that visit each learner."""
    with store.transaction() as db:
        return list(db.scalars(select(Learner.id).order_by(Learner.id)))


def study_inputs(store: Store, learner_id: str) -> tuple[LearnerProfile, StudyState]:
    """The learner's settings and what they know, read in one transaction.

    Plain rows from prepared statements: the weekly batch runs this per learner, and building
    ORM objects and statements each time would cost more than the planning itself.
    """
    with store.transaction() as db:
        connection, params = db.connection(), {"learner_id": learner_id}
        learner = connection.execute(_PROFILE_ROW, params).first()
        if learner is None:
            raise UnknownLearner(learner_id)
        states = connection.execute(_KNOWLEDGE_ROWS, params).all()
        cards = connection.execute(_CARD_ROWS, params).all()
    knowledge = {oid: ObjectiveKnowledge(p, n, frozenset(items)) for oid, p, n, items, _ in states}
    mastered = frozenset(oid for oid, *_, mastered_at in states if mastered_at is not None)
    profile = LearnerProfile(learner.id, learner.name, learner.weekly_minutes, tuple(learner.goals),
                             tuple(learner.days), learner.timezone, learner.lang)
    return profile, StudyState(mastered, knowledge, dict(cards))


def _row(db: Session, learner_id: str) -> Learner:
    row = db.get(Learner, learner_id)
    if row is None:
        raise UnknownLearner(learner_id)
    return row


def _new_row(update: LearnerUpdate, now: datetime) -> Learner:
    row = Learner(id=update.learner_id, name=update.learner_id, weekly_minutes=DEFAULT_WEEKLY_MINUTES, goals=[],
                  days=[], timezone=DEFAULT_TIMEZONE, created_at=now)
    _apply(row, update.fields)
    return row


def _apply(row: Learner, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(row, name, list(value) if isinstance(value, tuple) else value)
