"""Kill -9 at chosen points of a session: a forked child runs a scripted learner and SIGKILLs itself
at the k-th write (checkpoint put, checkpoint writes, turn record, attempt), before or after it.

Forking after the imports makes a trial cost one session, not one interpreter start; the kill is a
real SIGKILL of a real process, so nothing in the child gets to clean up.
"""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from skillcoach.app.api import Coach, CoachSession
from skillcoach.curriculum.catalog import Curriculum
from skillcoach.settings import Settings
from skillcoach.storage.store import Store
from tests.helpers import reply_for

KILL_POINTS: list[tuple[Any, str]] = [(SqliteSaver, "put"), (SqliteSaver, "put_writes"), (PostgresSaver, "put"),
                                      (PostgresSaver, "put_writes"), (Store, "record_turn"),
                                      (Store, "record_attempt")]


def scripted_session(settings: Settings, curriculum: Curriculum, learner: str, seed: int, *,
                     max_turns: int = 40) -> CoachSession:
    """Drive (or resume) the learner's session to its end: mostly right answers, some wrong, a question."""
    rng = random.Random(seed)
    with Coach(settings) as coach:
        session = coach.session(learner, 5)
        events = session.start()
        for _ in range(max_turns):
            if session.finished or session.pending is None:
                break
            pending = session.pending
            roll = rng.random()
            if pending["type"] == "question" and roll < 0.1:
                events = session.ask("what is retrieval?")
            else:
                events = session.send(reply_for(curriculum, pending, wrong=roll > 0.75))
        assert events is not None
        return session


def _install_killer(kill_at: int, counter: list[int]) -> None:
    """Count every write at the kill points (before and after); SIGKILL ourselves at the chosen one."""
    def tick() -> None:
        counter[0] += 1
        if counter[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    for owner, name in KILL_POINTS:
        original = getattr(owner, name)

        def wrapped(*args: Any, __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            tick()
            result = __original(*args, **kwargs)
            tick()
            return result

        setattr(owner, name, wrapped)


def run_child(work: Callable[[], Any], kill_at: int, count_file: Path | None = None) -> bool:
    """Run ``work`` in a forked child that kills itself at write ``kill_at`` (0: never); True if it was killed.

    With ``count_file`` the child writes how many kill points it passed (a dry run sizes the trials)."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            counter = [0]
            _install_killer(kill_at, counter)
            work()
            if count_file is not None:
                count_file.write_text(str(counter[0]))
        except BaseException:  # noqa: BLE001 - report by exit code; the parent shows what it can
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the child session failed (see the captured stderr)"
    return False
