"""Keeping a Coach's session leases alive: a heartbeat thread, a check before each turn."""

from __future__ import annotations

import threading
import time

from skillcoach.storage import leases
from skillcoach.storage.store import Store


class LeaseKeeper:
    """The session leases one Coach holds, renewed by a background thread while the Coach is open.

    Args:
        store: the database the leases are kept in.
        seconds: how long a lease lasts unless renewed.
    """

    def __init__(self, store: Store, seconds: float):
        self.store, self.seconds = store, seconds
        self.holder = leases.Holder.here()
        self._held: dict[str, float] = {}  # session id -> when we last renewed (time.time)
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, session_id: str) -> None:
        """Take the session's lease (or fail with SessionBusy) and keep it renewed."""
        leases.acquire(self.store, session_id, self.holder, self.seconds)
        with self._guard:
            self._held[session_id] = time.time()
            if self._thread is None:
                self._thread = threading.Thread(target=self._renew_all, daemon=True, name="session-leases")
                self._thread.start()

    def check(self, session_id: str) -> None:
        """Before a turn: still ours? Renewed here when the heartbeat has not done it lately."""
        with self._guard:
            last = self._held.get(session_id)
        if last is not None and time.time() - last < self.seconds / 3:
            return
        if not leases.renew(self.store, session_id, self.holder, self.seconds):
            with self._guard:
                self._held.pop(session_id, None)
            raise leases.SessionBusy(leases.busy_message(leases.holder_of(self.store, session_id)))
        with self._guard:
            self._held[session_id] = time.time()

    def renewing(self) -> frozenset[str]:
        """The sessions the heartbeat keeps renewing."""
        with self._guard:
            return frozenset(self._held)

    def let_go(self, session_id: str) -> None:
        """Stop renewing a session that is over: its lease lapses within ``seconds`` (no write on the turn's path).

        The heartbeat then renews only the sessions still open, not every one this Coach ever held.
        """
        with self._guard:
            self._held.pop(session_id, None)

    def _renew_all(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            with self._guard:
                held = list(self._held)
            for session_id in held:
                try:
                    renewed = leases.renew(self.store, session_id, self.holder, self.seconds)
                except Exception:  # noqa: BLE001 - a busy database now is retried at the next beat
                    continue
                with self._guard:
                    if renewed and session_id in self._held:
                        self._held[session_id] = time.time()
                    elif not renewed:
                        self._held.pop(session_id, None)  # taken over; the next turn will say so

    def close(self) -> None:
        """Stop renewing and give every lease back, so the next process need not wait for expiry."""
        self._stop.set()
        if self._thread is not None:  # a beat in flight holds a connection: let it end before we go on
            self._thread.join(timeout=min(self.seconds, 5.0))
        with self._guard:
            held, self._held = list(self._held), {}
        for session_id in held:
            try:
                leases.release(self.store, session_id, self.holder)
            except Exception:  # noqa: BLE001 - an unreleased lease expires on its own
                pass
