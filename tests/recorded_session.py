"""A scripted JSONL session that meets every event type, written exactly as ``chat --jsonl`` writes it.

``tests/data/protocol/session.jsonl`` was recorded with this script on the code from before the
events were typed; ``test_protocol_bytes`` checks today's code writes the same bytes.
Regenerate (only when the protocol changes on purpose): ``python -m tests.recorded_session``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

from skillcoach.app.api import Coach
from skillcoach.app.cli import chat
from skillcoach.learner import review
from skillcoach.settings import REPO_ROOT, Settings
from tests.helpers import reply_for

RECORDED = REPO_ROOT / "tests" / "data" / "protocol" / "session.jsonl"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
MAX_TURNS = 60

# Sent on the first lesson: each draws a different reply (errors, help, an answer from the tutor, progress).
ON_LESSON = ['{"answer": "not now"}', "this is not json", "[1, 2]", '{"command": "help"}',
             '{"command": "bogus"}', '{"ask": "What does this objective cover, café-wise?"}',
             '{"command": "progress"}', '{"command": "hint"}', '{"command": "continue"}']
# Sent on the first question: a hint, an answer that is not a choice, then a dispute after grading.
ON_QUESTION = ['{"command": "hint"}', '{"command": "hint"}', '{"answer": "zz"}']


def _write(out: io.StringIO, events: Any) -> None:
    with redirect_stdout(out):
        chat._emit(events)


def _line(out: io.StringIO, session: Any, line: str) -> None:
    _write(out, chat.reply_to(session, line + "\n"))


def _session_lines(settings: Settings) -> Iterator[str]:
    """Every JSONL line the coach writes over two sessions (one finished, one resumed)."""
    out = io.StringIO()
    with Coach(settings, clock=lambda: NOW) as coach:
        session = coach.session("ada", 10)
        _write(out, session.start())
        for line in ON_LESSON + ON_QUESTION:
            _line(out, session, line)
        pending = session.pending
        wrong = True
        for turn in range(MAX_TURNS):
            if session.finished:
                break
            message = reply_for(coach.curriculum, pending, wrong=wrong)
            _line(out, session, json.dumps(message))
            if turn == 0:
                _line(out, session, '{"command": "dispute"}')
                _line(out, session, '{"command": "skip"}')
            wrong = turn % 3 == 1
            pending = session.pending
            if turn == 8 and not session.finished:
                _line(out, session, '{"command": "quit"}')
        _write(out, session.start())  # an already finished session
        other = coach.session("bo", 5)
        _write(out, other.start())
        _line(out, other, '{"command": "continue"}')
    with Coach(settings, clock=lambda: NOW) as coach:
        again = coach.session("bo", 5)
        _write(out, again.start())  # welcome back, with the question again
        _line(out, again, '{"command": "quit"}')
    yield from out.getvalue().splitlines(keepends=True)


def record(data_dir: Path) -> str:
    """The whole recorded session's JSONL text, on a fresh data dir.

    The store stamps sessions and turns with the wall clock, and the summary's minutes studied come
    from those stamps: held at ``NOW`` here, so a slow machine does not turn 0.0 minutes into 0.1.
    """
    with patch.object(review, "utcnow", lambda: NOW):
        return "".join(_session_lines(Settings(data_dir=data_dir)))


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        RECORDED.parent.mkdir(parents=True, exist_ok=True)
        RECORDED.write_text(record(Path(tmp)), encoding="utf-8")
    print(f"wrote {RECORDED}")
