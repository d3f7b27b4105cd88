"""Web accounts: one per learner, the password hashed with Argon2 (pwdlib), an operator flag.

The table comes from migration 0006; it is declared here, in the web face, because nothing
below the faces reads it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, cast

from pwdlib import PasswordHash
from sqlalchemy import Boolean, Column, CursorResult, DateTime, MetaData, String, Table, func, insert, select, update

from skillcoach.errors import SkillcoachError
from skillcoach.i18n import N_
from skillcoach.learner.review import utcnow
from skillcoach.storage.store import Store, check_learner_id

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_metadata = MetaData()
web_accounts = Table(
    "web_accounts", _metadata,
    Column("learner_id", String(64), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("operator", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
_hasher = PasswordHash.recommended()  # Argon2id with the library's current parameters
# Argon2 is memory-hard by design (tens of MiB a hash): a burst of sign-ins must queue, not exhaust memory.
_HASH_SLOTS = threading.BoundedSemaphore(2)
# Verified against when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


TAKEN = N_("The name {name!r} is taken; choose another or sign in.")


class AccountError(SkillcoachError, ValueError):
    """Sign-up or account change refused; the message says why."""


@dataclass(frozen=True)
class Account:
    """A web account: the learner it signs in as, and whether it may use the operator pages."""

    learner_id: str
    operator: bool


def check_password(password: str) -> None:
    """Check a new password's length; AccountError saying the limit if it is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise AccountError.message(N_("Choose a password of at least {count} characters."), count=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AccountError.message(N_("The password is longer than {count} characters."), count=MAX_PASSWORD)


def _hash(password: str) -> str:
    with _HASH_SLOTS:
        return _hasher.hash(password)


class Accounts:
    """Accounts in the coach's database (the ``web_accounts`` table)."""

    def __init__(self, store: Store):
        self.store = store

    def create(self, learner_id: str, password: str, *, operator: bool = False, claim: bool = False) -> Account:
        """A new account and its learner; refuses a name already taken.

        Sign-up never takes over a learner who exists without an account (made with the CLI or a CSV
        import): that would hand their record to whoever typed the name first. ``claim`` (the
        operator's ``web-user add``) gives such a learner an account.
        """
        check_learner_id(learner_id)
        check_password(password)
        if not claim and self.store.get_learner(learner_id) is not None:
            raise AccountError.message(TAKEN, name=learner_id)
        self.store.ensure_learner(learner_id)
        with self.store.transaction() as db:
            if db.execute(select(web_accounts.c.learner_id).where(web_accounts.c.learner_id == learner_id)).first():
                raise AccountError.message(TAKEN, name=learner_id)
            db.execute(insert(web_accounts).values(learner_id=learner_id, password_hash=_hash(password),
                                                   operator=operator, created_at=utcnow()))
        return Account(learner_id, operator)

    def verify(self, learner_id: str, password: str) -> Account | None:
        """The account if the password is right, else None (in about the same time either way)."""
        with self.store.transaction() as db:
            row = db.execute(select(web_accounts).where(web_accounts.c.learner_id == learner_id)).first()
        if row is None or len(password) > MAX_PASSWORD:
            with _HASH_SLOTS:
                _hasher.verify("wrong", _DUMMY_HASH)
            return None
        with _HASH_SLOTS:
            valid, new_hash = _hasher.verify_and_update(password, row.password_hash)
        if not valid:
            return None
        if new_hash:  # the library's parameters moved on: keep the stronger hash
            with self.store.transaction() as db:
                db.execute(update(web_accounts).where(web_accounts.c.learner_id == learner_id)
                           .values(password_hash=new_hash))
        return Account(row.learner_id, bool(row.operator))

    def get(self, learner_id: str) -> Account | None:
        """Return the learner's web account, or None if the learner has none."""
        with self.store.transaction() as db:
            row = db.execute(select(web_accounts).where(web_accounts.c.learner_id == learner_id)).first()
        return None if row is None else Account(row.learner_id, bool(row.operator))

    def set_operator(self, learner_id: str, operator: bool) -> None:
        """Grant or withdraw operator rights; AccountError if the learner has no web account."""
        with self.store.transaction() as db:
            done = cast("CursorResult[Any]", db.execute(
                update(web_accounts).where(web_accounts.c.learner_id == learner_id).values(operator=operator)))
            if done.rowcount == 0:
                raise AccountError(f"No web account {learner_id!r}.")

    def count(self) -> int:
        """Return how many web accounts exist."""
        with self.store.transaction() as db:
            return int(db.execute(select(func.count()).select_from(web_accounts)).scalar_one())


class SignInLimiter:
    """At most ``limit`` failed sign-ins per client address and per name in ``window`` seconds."""

    def __init__(self, limit: int = 5, window: float = 300.0, clock=time.monotonic):  # type: ignore[no-untyped-def]
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        """Tell whether any of the keys (client address, name) has used up its failed sign-ins for the window."""
        with self._lock:
            return any(len(self._recent(key)) >= self.limit for key in keys)

    def failed(self, *keys: str) -> None:
        """Count a failed sign-in against each key."""
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())

    def _recent(self, key: str) -> deque[float]:
        stamps = self._failures.setdefault(key, deque())
        while stamps and stamps[0] < self.clock() - self.window:
            stamps.popleft()
        return stamps
