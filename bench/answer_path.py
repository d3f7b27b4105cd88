"""One learner answer's path, measured: the project files and functions it runs, and its database transactions.

    python -m bench.answer_path            # prints files, functions and transactions of one answer turn

A session is driven to its first question (offline composer, fixed clock); then one ``send``
of a right answer is profiled with ``sys.setprofile`` (every project function called, in order
of first call) while SQLAlchemy's engine events count the transactions on the coach's database
(``writes``: those that ran an INSERT, UPDATE or DELETE). The checkpointer's own database is not
counted. Run from the repository root on a checkout to compare two versions.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from skillcoach.app.api import Coach
from skillcoach.settings import REPO_ROOT, Settings

PACKAGES = ("skillcoach", "agents", "graphs", "tools")
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _project_file(filename: str) -> str | None:
    path = Path(filename)
    try:
        relative = path.resolve().relative_to(REPO_ROOT.resolve())
    except ValueError:
        return None
    return str(relative) if relative.parts and relative.parts[0] in PACKAGES else None


class Transactions:
    """Counts SQLAlchemy transactions on one engine, and those that wrote."""

    def __init__(self, engine: Any):
        self.begun = self.writes = 0
        self._writing: set[int] = set()
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._end)

    def _begin(self, conn: Any) -> None:
        self.begun += 1

    def _statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            self._writing.add(id(conn))

    def _end(self, conn: Any) -> None:
        if id(conn) in self._writing:
            self._writing.discard(id(conn))
            self.writes += 1


def measure(data_dir: Path) -> dict[str, Any]:
    """Files, functions (and calls) and transactions of one answer turn."""
    from tests.helpers import reply_for

    with Coach(Settings(data_dir=data_dir), clock=lambda: NOW) as coach:
        session = coach.session("ada", 20)
        session.start()
        session.command("continue")
        message = reply_for(coach.curriculum, session.pending)
        engine = coach.store._sessions.kw["bind"]
        counted = Transactions(engine)
        calls: dict[str, list[str]] = {}
        count = [0]

        def profile(frame: Any, what: str, arg: Any) -> None:
            if what != "call":
                return
            where = _project_file(frame.f_code.co_filename)
            if where is not None:
                count[0] += 1
                names = calls.setdefault(where, [])
                if frame.f_code.co_qualname not in names:
                    names.append(frame.f_code.co_qualname)

        sys.setprofile(profile)
        threading.setprofile(profile)  # LangGraph runs nodes in worker threads
        try:
            events = session.send(message)
        finally:
            sys.setprofile(None)
            threading.setprofile(None)  # type: ignore[arg-type]  # None removes the hook
        assert any(e["type"] == "feedback" for e in events), "the answer was graded"
    return {"files": len(calls), "functions": sum(len(v) for v in calls.values()), "calls": count[0],
            "transactions": counted.begun, "write_transactions": counted.writes, "path": calls}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(Path(tmp))
    for file, names in result["path"].items():
        print(f"{file}: {', '.join(names)}")
    print(json.dumps({k: v for k, v in result.items() if k != "path"}))
