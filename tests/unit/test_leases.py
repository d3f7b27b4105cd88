"""Session leases: one holder at a time, stale leases taken over, a lost lease noticed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from skillcoach.app.lease_keeper import LeaseKeeper
from skillcoach.storage import leases
from skillcoach.storage.leases import Holder, SessionBusy
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'lease.db'}", options=DatabaseOptions())
    store.ensure_learner("ada")
    return store


def test_a_held_session_is_refused_with_who_holds_it(store: Store) -> None:
    sid = store.open_session("ada", 10).id
    first, second = Holder.here(), Holder.here()
    leases.acquire(store, sid, first, 30)
    leases.acquire(store, sid, first, 30)  # the holder itself may take it again
    with pytest.raises(SessionBusy, match=rf"this session is open elsewhere \(process {os.getpid()} on "):
        leases.acquire(store, sid, second, 30)


def test_an_expired_lease_is_taken_over_and_its_old_holder_learns_it(store: Store) -> None:
    sid = store.open_session("ada", 10).id
    first, second = Holder.here(), Holder.here()
    leases.acquire(store, sid, first, 0.05)
    time.sleep(0.1)
    leases.acquire(store, sid, second, 30)
    assert leases.holder_of(store, sid).owner == second.owner  # type: ignore[union-attr]
    assert not leases.renew(store, sid, first, 30)
    assert leases.renew(store, sid, second, 30)


def test_a_lease_of_a_dead_process_on_this_machine_is_stale(store: Store) -> None:
    sid = store.open_session("ada", 10).id
    gone = Holder("ghost", Holder.here().host, 2**22 + 12345)  # above the default pid_max: no such process
    leases.acquire(store, sid, gone, 3600)
    mine = Holder.here()
    leases.acquire(store, sid, mine, 30)
    assert leases.holder_of(store, sid).owner == mine.owner  # type: ignore[union-attr]


def test_a_released_lease_is_free_at_once(store: Store) -> None:
    sid = store.open_session("ada", 10).id
    first, second = Holder.here(), Holder.here()
    leases.acquire(store, sid, first, 3600)
    leases.release(store, sid, first)
    leases.acquire(store, sid, second, 30)


def test_a_session_let_go_is_no_longer_renewed_and_lapses(store: Store) -> None:
    keeper = LeaseKeeper(store, 0.3)
    sid = store.open_session("ada", 10).id
    keeper.hold(sid)
    assert keeper.renewing() == {sid}
    keeper.let_go(sid)
    assert keeper.renewing() == set()
    with pytest.raises(SessionBusy):  # still held until it lapses
        leases.acquire(store, sid, Holder.here(), 30)
    time.sleep(0.5)  # past the lease: the heartbeat (every 0.1 s) renewed it no more
    leases.acquire(store, sid, Holder.here(), 30)
    keeper.close()
