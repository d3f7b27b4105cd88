"""A process that drives one learner's session for a few turns, waiting its turn for the session lease.

    python -m tests.fleet_session_worker LEARNER TURNS SECONDS [GO_FILE]

Settings come from the environment (SKILLCOACH_*). Prints {"ready": t} once the coach is open and,
given GO_FILE, waits for it to exist (so all processes reach for the session at once, however long
each took to start). Then JSON lines: {"refused": t} each time the
session is held elsewhere, then {"held": [t0, t1], "turns": N, "session": ID} with the wall-clock
moments between which it certainly held the lease (taken before t0, given back after t1).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from skillcoach.storage.leases import SessionBusy
from tests.helpers import reply_for

HOLD_SECONDS = 0.5  # the holder keeps the lease a moment after its turns, so the others surely try meanwhile


def main(learner: str, turns: int, seconds: float, go: Path | None = None) -> int:
    deadline = time.monotonic() + seconds
    with Coach(Settings()) as coach:
        print(json.dumps({"ready": time.time()}), flush=True)
        while go is not None and not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        while time.monotonic() < deadline:
            try:
                session = coach.session(learner, minutes=600)
            except SessionBusy:
                print(json.dumps({"refused": time.time()}), flush=True)
                time.sleep(0.1)
                continue
            held_from = time.time()
            session.start()
            done = 0
            while not session.finished and done < turns:
                session.send(reply_for(coach.curriculum, session.pending))
                done += 1
            time.sleep(HOLD_SECONDS)
            print(json.dumps({"held": [held_from, time.time()], "turns": done, "session": session.id}), flush=True)
            return 0  # leaving the Coach gives the lease back
    print(json.dumps({"gave_up": time.time()}), flush=True)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4]) if sys.argv[4:] else None))
