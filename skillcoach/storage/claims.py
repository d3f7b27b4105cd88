"""Run claims: a scheduled job runs once per period however many schedulers fire it.

Each scheduler that fires tries to INSERT the row (job, period); the table's primary key lets
exactly one of them succeed, on SQLite and Postgres alike, whatever the clocks of the machines
say. The winner runs the job and marks the row finished; the others log that it is taken.
Unlike an advisory lock, the row outlives the run, so a scheduler firing late (skewed clock,
restarted after the run) does not run the period again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from skillcoach.storage.models import Base
from skillcoach.storage.store import Store, as_utc


class RunClaim(Base):
    """A row per scheduled job and period: who claimed the run, when, and when it finished."""

    __tablename__ = "run_claims"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class Claim:
    """Who claimed a job's period, when, and whether it finished."""

    job: str
    period: str
    holder: str
    claimed_at: datetime
    finished_at: datetime | None


def claim(store: Store, job: str, period: str, holder: str, now: datetime) -> bool:
    """Claim ``job`` for ``period``; True for the one caller that got it, False for everyone else."""
    try:
        with store.transaction() as db:
            db.add(RunClaim(job=job, period=period, holder=holder, claimed_at=now, finished_at=None))
    except IntegrityError:
        return False
    return True


def finish(store: Store, job: str, period: str, now: datetime) -> None:
    """Mark the claimed run as finished."""
    with store.transaction() as db:
        db.execute(update(RunClaim).where(RunClaim.job == job, RunClaim.period == period).values(finished_at=now))


def claim_of(store: Store, job: str, period: str) -> Claim | None:
    """The claim for ``job`` and ``period``, if any."""
    with store.transaction() as db:
        row = db.get(RunClaim, (job, period))
        if row is None:
            return None
        finished = as_utc(row.finished_at) if row.finished_at else None
        return Claim(row.job, row.period, row.holder, as_utc(row.claimed_at), finished)


def release(store: Store, job: str, period: str) -> None:
    """Drop an unfinished claim (its run failed before planning), so the next firing may try again."""
    with store.transaction() as db:
        row = db.get(RunClaim, (job, period))
        if row is not None and row.finished_at is None:
            db.delete(row)
