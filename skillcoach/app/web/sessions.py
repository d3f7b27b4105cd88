"""Live coaching sessions for the web: each request drives the learner's session from the checkpointer.

The session is rebuilt from the checkpointer on every request (``CoachSession.start`` only reads the
state when the graph is waiting), so a reload, a second tab or a second worker sees the truth, and an
answer carrying a stale turn number is refused instead of being graded twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt

from skillcoach.app.api import Coach, CoachSession
from skillcoach.app.web.transcript import transcript, without_pending
from skillcoach.errors import SkillcoachError
from skillcoach.protocol import EventBase

Event = dict[str, Any]
# CommonMark with raw HTML off: curriculum and learner text can never inject markup; links keep
# markdown-it's own check that refuses javascript: and data: URLs.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
MARKDOWN_EVENTS = {"lesson", "feedback", "answer", "summary", "plan", "question"}


class StaleTurn(SkillcoachError, ValueError):
    """The answer was for a question already answered (another tab, or a double click)."""


class SessionNotFound(SkillcoachError, LookupError):
    """No such session for this learner (also said for another learner's session)."""


@dataclass
class TurnResult:
    """What the browser needs after one action: the new events and where the session now stands."""

    session_id: str
    turn: int
    finished: bool
    pending: Event | None
    events: list[Event] = field(default_factory=list)
    history: list[Event] | None = None  # the exchange before ``pending`` (on opening or reloading a session)

    def as_json(self) -> dict[str, Any]:
        """Return the result as the browser's JSON, each event with its HTML rendering added."""
        shown = {"session_id": self.session_id, "turn": self.turn, "finished": self.finished,
                 "pending": self.pending and with_html(self.pending),
                 "events": [with_html(e) for e in self.events]}
        if self.history is not None:
            shown["history"] = [with_html(e) for e in self.history]
        return shown


def with_html(ev: Event) -> Event:
    """The event plus its text rendered as safe HTML (raw HTML in the source is escaped)."""
    if ev.get("type") in MARKDOWN_EVENTS and isinstance(ev.get("text"), str):
        return {**ev, "html": _markdown.render(ev["text"])}
    return ev


class SessionHub:
    """Opens and drives sessions on one ``Coach``; the actions of one learner run one at a time.

    The ``Coach`` is safe for many sessions at once (each turn has its own context), so learners
    never wait for each other. One learner's actions are serialised by a lock of their own, so the
    stale-turn check and the turn it guards cannot interleave with a second tab's (no answer is
    graded twice), and two tabs opening at once do not both start a session. Across worker
    processes the coach's session lease does the same.
    """

    def __init__(self, coach: Coach):
        self.coach = coach
        self.operator_lock = threading.Lock()  # the weekly batch and replay runs: heavy, one at a time
        self._locks: dict[str, threading.RLock] = {}
        self._locks_guard = threading.Lock()

    def learner_lock(self, learner_id: str) -> threading.RLock:
        """The lock that serialises one learner's sessions and plans in this process."""
        with self._locks_guard:
            return self._locks.setdefault(learner_id, threading.RLock())

    def open(self, learner_id: str, *, new: bool = False, minutes: int | None = None,
             objective_id: str | None = None) -> TurnResult:
        """The learner's open session (resumed where it stopped, with its transcript so far), or a new one.

        ``objective_id`` starts a new session on that objective (see ``Coach.session``).
        """
        with self.learner_lock(learner_id):
            session = self.coach.session(learner_id, minutes, new=new, objective_id=objective_id)
            return self._reopened(session, keep_notices=True)

    def current(self, learner_id: str, session_id: str) -> TurnResult:
        """Where the session stands now, with its transcript so far, without changing it."""
        with self.learner_lock(learner_id):
            return self._reopened(self._load(learner_id, session_id), keep_notices=False)

    def send(self, learner_id: str, session_id: str, message: dict[str, Any], turn: int | None,
             listener: Callable[[Event], None] | None = None) -> TurnResult:
        """Apply one JSONL-protocol message if ``turn`` is still the session's turn.

        ``listener`` is told each event as the graph produces it (for streaming to the browser).
        """
        with self.learner_lock(learner_id):
            session = self._checked(learner_id, session_id, turn)
            session.listener = listener and (lambda ev: listener(ev.wire()))
            return self._result(session, session.send(message))

    def check(self, learner_id: str, session_id: str, turn: int | None) -> None:
        """Raise what ``send`` would raise before running anything (not found, stale turn)."""
        with self.learner_lock(learner_id):
            self._checked(learner_id, session_id, turn)

    def _reopened(self, session: CoachSession, *, keep_notices: bool) -> TurnResult:
        """Start or resume the session; the transcript is read first, so a turn run now is not in it twice."""
        history = transcript(self.coach, session)
        events = session.start()
        if not keep_notices:
            events = [e for e in events if e.type != "notice"]
        pending = session.pending.wire() if session.pending else None
        return self._result(session, events, history=without_pending(history, pending))

    def _checked(self, learner_id: str, session_id: str, turn: int | None) -> CoachSession:
        session = self._load(learner_id, session_id)
        session.start()
        if session.finished:
            raise StaleTurn("This session is already finished.")
        if turn is not None and turn != session.turn:
            raise StaleTurn("That question was already answered (perhaps in another tab); "
                            "the page now shows where you are.")
        return session

    def _load(self, learner_id: str, session_id: str) -> CoachSession:
        row = self.coach.store.get_session(session_id)
        if row is None or row.learner_id != learner_id or row.mode != "interactive":
            raise SessionNotFound("No such session.")
        return CoachSession(self.coach, row.id, row.learner_id, row.minutes)

    @staticmethod
    def _result(session: CoachSession, events: Sequence[EventBase],
                history: list[Event] | None = None) -> TurnResult:
        pending = session.pending.wire() if session.pending else None
        return TurnResult(session.id, session.turn, session.finished, pending, [e.wire() for e in events], history)
