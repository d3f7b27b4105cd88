"""Weekly plans: one row per learner and ISO week (the table is unique on both).

Plans are written whole in one transaction, so a crash leaves a learner's week either
planned or not planned, never half-written; a run after the crash plans what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillcoach.storage.models import WeeklyPlan
from skillcoach.storage.store import Store, as_utc


@dataclass(frozen=True)
class StoredPlan:
    """A weekly plan as stored, detached from the database session."""

    learner_id: str
    week: str
    plan: dict[str, Any]
    narrative: str
    created_at: datetime


def save_plans(store: Store, plans: list[StoredPlan], *, replace: bool = False) -> list[bool]:
    """Write the plans in one transaction; for each, whether it was written.

    A learner's week that already has a plan is kept unless ``replace``. When another
    process wrote one of the weeks meanwhile, each plan is tried again on its own.
    """
    try:
        with store.transaction() as db:
            return _write(db, plans, replace)
    except IntegrityError:
        if len(plans) == 1:
            return [False]
        return [save_plans(store, [plan], replace=replace)[0] for plan in plans]


def get_plan(store: Store, learner_id: str, week: str) -> StoredPlan | None:
    """Return a learner's plan for an ISO week, or None if none was made."""
    with store.transaction() as db:
        row = db.scalars(select(WeeklyPlan).where(WeeklyPlan.learner_id == learner_id,
                                                  WeeklyPlan.week == week)).first()
        return _stored(row) if row else None


def planned_learners(store: Store, week: str) -> set[str]:
    """Return the learners who already have a plan for the week, so a batch run can skip them."""
    with store.transaction() as db:
        return set(db.scalars(select(WeeklyPlan.learner_id).where(WeeklyPlan.week == week)))


def planned_weeks(store: Store, learner_id: str) -> list[str]:
    """Return the ISO weeks a learner has plans for, oldest first."""
    with store.transaction() as db:
        return list(db.scalars(select(WeeklyPlan.week).where(WeeklyPlan.learner_id == learner_id)
                               .order_by(WeeklyPlan.week)))


def _write(db: Session, plans: list[StoredPlan], replace: bool) -> list[bool]:
    keys = [(p.learner_id, p.week) for p in plans]
    existing = {(row.learner_id, row.week): row for row in db.scalars(
        select(WeeklyPlan).where(tuple_(WeeklyPlan.learner_id, WeeklyPlan.week).in_(keys)))}
    written = []
    for plan in plans:
        row = existing.get((plan.learner_id, plan.week))
        if row is None:
            db.add(WeeklyPlan(learner_id=plan.learner_id, week=plan.week, plan=plan.plan, narrative=plan.narrative,
                              created_at=plan.created_at))
        elif replace:
            row.plan, row.narrative, row.created_at = plan.plan, plan.narrative, plan.created_at
        written.append(row is None or replace)
    db.flush()  # a week written meanwhile by another process fails here, inside the transaction
    return written


def _stored(row: WeeklyPlan) -> StoredPlan:
    return StoredPlan(row.learner_id, row.week, row.plan, row.narrative, as_utc(row.created_at))
