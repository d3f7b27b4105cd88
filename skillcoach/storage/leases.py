"""Session leases: a session is driven by one process at a time.

A process holds a session's lease until ``expires_at`` (epoch seconds) and renews it while it
runs. Another process asking for the session is refused with one clear line, unless the lease
has expired or its holder is a process on this machine that no longer exists (killed), in
which case the lease is taken over. Every change is one conditional UPDATE, so two processes
racing for a free lease cannot both win, on SQLite or Postgres.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Float, ForeignKey, Integer, String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from skillcoach.errors import SkillcoachError
from skillcoach.storage.models import Base
from skillcoach.storage.store import Store


class SessionLease(Base):
    """The table row saying which process holds a session, and until when (epoch seconds)."""

    __tablename__ = "session_leases"

    session_id: Mapped[str] = mapped_column(String(64), ForeignKey("sessions.id"), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)


class SessionBusy(SkillcoachError, RuntimeError):
    """The session is held by another process."""


@dataclass(frozen=True)
class Holder:
    """Who holds leases: one per Coach (a process may run several)."""

    owner: str
    host: str
    pid: int

    @classmethod
    def here(cls) -> Holder:
        """Make a holder for this process, unique even when the process runs several coaches."""
        host, pid = socket.gethostname()[:100], os.getpid()
        return cls(f"{host}:{pid}:{uuid.uuid4().hex[:12]}", host, pid)


def acquire(store: Store, session_id: str, holder: Holder, seconds: float) -> None:
    """Hold the session for ``seconds``, taking over a stale lease; SessionBusy if someone else holds it."""
    store.retrying(lambda: _acquire(store, session_id, holder, seconds))


def _acquire(store: Store, session_id: str, holder: Holder, seconds: float) -> None:
    now = time.time()
    with store.transaction() as db:
        taken = _changed(db.execute(update(SessionLease).where(
            SessionLease.session_id == session_id,
            (SessionLease.owner == holder.owner) | (SessionLease.expires_at < now),
        ).values(owner=holder.owner, host=holder.host, pid=holder.pid, expires_at=now + seconds)))
        if taken.rowcount:
            return
        current = db.get(SessionLease, session_id)
    if current is None:
        if _insert(store, session_id, holder, now + seconds):
            return
        current = _current(store, session_id)
    if current is not None and _dead_here(current) and _take_from(store, session_id, current.owner, holder,
                                                                    now + seconds):
        return
    raise SessionBusy(busy_message(current))


def _insert(store: Store, session_id: str, holder: Holder, until: float) -> bool:
    try:
        with store.transaction() as db:
            db.execute(insert(SessionLease).values(session_id=session_id, owner=holder.owner, host=holder.host,
                                                   pid=holder.pid, expires_at=until))
        return True
    except IntegrityError:  # another process inserted it first
        return False


def _current(store: Store, session_id: str) -> SessionLease | None:
    with store.transaction() as db:
        return db.get(SessionLease, session_id)


def _take_from(store: Store, session_id: str, previous: str, holder: Holder, until: float) -> bool:
    with store.transaction() as db:
        taken = _changed(db.execute(update(SessionLease).where(
            SessionLease.session_id == session_id, SessionLease.owner == previous,
        ).values(owner=holder.owner, host=holder.host, pid=holder.pid, expires_at=until)))
        return bool(taken.rowcount)


def _dead_here(lease: SessionLease) -> bool:
    """The holder ran on this machine and its process is gone (e.g. killed): the lease is stale."""
    if lease.host != socket.gethostname()[:100] or lease.pid == os.getpid():
        return False
    try:
        os.kill(lease.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, under another user
        return False
    return False


def renew(store: Store, session_id: str, holder: Holder, seconds: float) -> bool:
    """Extend our lease; False when another process has taken it over."""
    def work() -> bool:
        with store.transaction() as db:
            done = _changed(db.execute(update(SessionLease).where(
                SessionLease.session_id == session_id, SessionLease.owner == holder.owner,
            ).values(expires_at=time.time() + seconds)))
            return bool(done.rowcount)
    return store.retrying(work)


def release(store: Store, session_id: str, holder: Holder) -> None:
    """Give the session up at once (the next process need not wait for the expiry)."""
    def work() -> None:
        with store.transaction() as db:
            db.execute(update(SessionLease).where(
                SessionLease.session_id == session_id, SessionLease.owner == holder.owner,
            ).values(expires_at=0.0))
    store.retrying(work)


def holder_of(store: Store, session_id: str) -> SessionLease | None:
    """The current lease row, if any (for messages and tests)."""
    with store.transaction() as db:
        return db.scalars(select(SessionLease).where(SessionLease.session_id == session_id)).first()


def busy_message(lease: SessionLease | None) -> str:
    """Tell the learner who holds the session and until when, and how to go on without it."""
    if lease is None:
        return "this session is open elsewhere; try again in a moment"
    until = datetime.fromtimestamp(lease.expires_at, tz=UTC).strftime("%H:%M:%S UTC")
    return (f"this session is open elsewhere (process {lease.pid} on {lease.host}, lease renewed until {until}); "
            "close it there, or start a separate one with --new")


def _changed(result: Any) -> CursorResult[Any]:
    """An UPDATE's result, typed as the cursor result it is (for its row count)."""
    return cast("CursorResult[Any]", result)
