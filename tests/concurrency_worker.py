"""A worker process for the concurrency tests and bench: one learner's session, a few turns.

    python -m tests.concurrency_worker LEARNER TURNS

Settings come from the environment (SKILLCOACH_*). Prints one JSON line: {"ok": true, "turns": N,
"session": ID} or {"ok": false, "error": "..."} (exit 2), the way a CLI command reports.
"""

from __future__ import annotations

import json
import sys

from skillcoach.app.api import Coach
from skillcoach.errors import SkillcoachError
from skillcoach.settings import Settings
from tests.helpers import reply_for


def main(learner: str, turns: int) -> int:
    done, session_id = 0, None
    try:
        with Coach(Settings()) as coach:
            session = coach.session(learner, minutes=60)
            session_id = session.id
            session.start()
            while not session.finished and done < turns:
                session.send(reply_for(coach.curriculum, session.pending))
                done += 1
    except SkillcoachError as exc:
        print(json.dumps({"ok": False, "error": str(exc), "turns": done, "session": session_id}))
        return 2
    print(json.dumps({"ok": True, "turns": done, "session": session_id}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
