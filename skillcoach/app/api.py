"""The Python API: ``Coach`` opens the coach; ``CoachSession`` drives one learner's session.

    from skillcoach import Coach

    with Coach() as coach:
        session = coach.session("ada", minutes=15)
        events = session.start()
        while not session.finished:
            question = session.pending
            events = session.answer("b")

Every method returns the events the coach produced (dicts of the JSONL protocol).
Bad input returns an ``error`` event and leaves the session untouched.

Concurrency: one ``Coach`` serves many sessions at once, from threads or asyncio tasks (the
``a``-prefixed methods run a turn in a worker thread). What the Coach shares between sessions
(curriculum, search index, store, checkpointer, tracer, models, prompts) is read-only or
locked; what one turn collects (tool and model calls, trace context) lives in that turn's
own context. A session is held by one process at a time (a lease in the database), and one
session's turns run one after another.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from agents.chat_models import make_chat_model
from agents.composer import Composer, OfflineComposer
from agents.context import CoachContext
from agents.events import event
from agents.learner import COMMANDS
from agents.llm_composer import LLMComposer
from agents.reviewer import current_item
from graphs.coach import build_coach_graph
from skillcoach.app.checkpoints import open_checkpointer
from skillcoach.app.lease_keeper import LeaseKeeper
from skillcoach.curriculum.catalog import Curriculum, load_curriculum
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.grading.answers import InvalidAnswer, clean_text, parse_response
from skillcoach.learner.progress import progress_report
from skillcoach.learner.review import utcnow
from skillcoach.llm.langfuse_prompts import LangfusePrompts
from skillcoach.llm.prompts import LocalPrompts
from skillcoach.settings import Settings
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import Store, check_learner_id
from skillcoach.tracing.masking import mask
from skillcoach.tracing.recording import TurnRecorder
from skillcoach.tracing.tracer import Tracer, make_tracer
from tools import curriculum_tools, progress_tools

Event = dict[str, Any]
MAX_ASK_CHARS = 500
AGENTS = ("tutor", "quiz", "reviewer", "planner")
GRADE_FIELDS = ("item_id", "verdict", "score", "mastery_before", "mastery", "mastered", "grader", "text")
MAX_EVENT_CHARS = 600


class Coach:
    """The coach on one database, curriculum and checkpointer. Use as a context manager.

    Safe to share between threads and asyncio tasks: sessions of different learners may run at
    the same time on one Coach. Each turn gets a fresh context (its own recorder and a composer
    bound to it), so no record carries another session's tool calls, model calls or trace.
    Turns of one session are serialised by a per-session lock; use one ``CoachSession`` per
    session and drive it from one task at a time.
    """

    def __init__(self, settings: Settings | None = None, *, composer: Composer | None = None,
                 clock: Callable[[], datetime] = utcnow, tracer: Tracer | None = None,
                 models: dict[str, Any] | None = None):
        """``models`` maps agent names (tutor, quiz, reviewer, planner) to chat models, overriding
        the settings (tests and benchmarks pass scripted models here)."""
        self.settings = settings or Settings()
        self._stack = ExitStack()
        self.curriculum: Curriculum = load_curriculum(self.settings.curriculum_dir, self.settings.locale)
        options = DatabaseOptions.from_settings(self.settings)
        self.store = Store(self.settings.resolved_database_url, options)
        self.index = CurriculumIndex(self.curriculum)
        self.clock = clock
        tools = curriculum_tools(self.curriculum, self.index) + progress_tools(self.curriculum, self.store, clock)
        self.tracer = tracer or make_tracer(self.settings)
        self._stack.callback(self.tracer.shutdown)
        recorder = TurnRecorder()  # a placeholder: every turn runs with its own (see turn_context)
        by_name = {t.name: t for t in tools}
        self.context = CoachContext(curriculum=self.curriculum, store=self.store, index=self.index, tools=by_name,
                                    composer=composer or make_composer(self.settings, self.tracer, recorder, by_name,
                                                                       models),
                                    clock=clock, max_answer_chars=self.settings.max_answer_chars, recorder=recorder)
        self._turn_locks: dict[str, threading.Lock] = {}
        self._turn_locks_guard = threading.Lock()
        self.leases = LeaseKeeper(self.store, self.settings.session_lease_seconds)
        self._stack.callback(self.leases.close)
        checkpointer = open_checkpointer(self.settings.resolved_checkpoint_url, self._stack, options)
        self.graph: CompiledStateGraph = build_coach_graph().compile(checkpointer=checkpointer)

    def __enter__(self) -> Coach:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()

    def session(self, learner_id: str, minutes: int | None = None, *, new: bool = False) -> CoachSession:
        """The learner's open session (resumed), or a new one; a new learner id creates the learner."""
        check_learner_id(learner_id)
        self.store.ensure_learner(learner_id)
        active = None if new else self.store.active_session(learner_id)
        if active is None:
            active = self.store.open_session(learner_id, minutes or self.settings.session_minutes)
        self.leases.hold(active.id)  # SessionBusy when another process drives it
        return CoachSession(self, active.id, learner_id, active.minutes)

    def progress(self, learner_id: str) -> dict[str, Any]:
        check_learner_id(learner_id)
        return progress_report(self.curriculum, self.store, learner_id, self.clock())

    async def asession(self, learner_id: str, minutes: int | None = None, *, new: bool = False) -> CoachSession:
        """``session`` for asyncio code (a web app): the database work runs in a worker thread."""
        return await asyncio.to_thread(self.session, learner_id, minutes, new=new)

    def turn_lock(self, session_id: str) -> threading.Lock:
        """The lock that serialises the turns of one session within this process."""
        with self._turn_locks_guard:
            return self._turn_locks.setdefault(session_id, threading.Lock())


def turn_context(shared: CoachContext) -> CoachContext:
    """The shared context with a fresh recorder, and the composer recording into it, for one turn."""
    recorder = TurnRecorder()
    composer = shared.composer.for_turn(recorder) if isinstance(shared.composer, LLMComposer) else shared.composer
    return replace(shared, recorder=recorder, composer=composer)


def make_composer(settings: Settings, tracer: Tracer, recorder: TurnRecorder, tools: dict[str, Any],
                  models: dict[str, Any] | None = None) -> Composer:
    """Offline unless a model is configured for some agent; prompts from Langfuse when traced."""
    if models is None:
        models = {agent: make_chat_model(settings.model_for(agent), settings) for agent in AGENTS}
    if not any(models.values()):
        return OfflineComposer()
    client = getattr(tracer, "client", None)
    prompts = (LangfusePrompts(client, settings.prompts_dir, settings.prompt_label) if client is not None
               else LocalPrompts(settings.prompts_dir))
    return LLMComposer(models, prompts, recorder, tools)


class CoachSession:
    """One coaching session; its thread id in the checkpointer is the session id."""

    def __init__(self, coach: Coach, session_id: str, learner_id: str, minutes: int):
        self.coach, self.id, self.learner_id, self.minutes = coach, session_id, learner_id, minutes
        self.pending: Event | None = None
        self.finished = False
        self.config: dict[str, Any] = {"configurable": {"thread_id": session_id}}
        self.turn = 0  # learner inputs consumed, mirrored from the graph state to save a read per turn
        self.variant: dict[str, Any] | None = None  # the model-written variant on the table, if any
        self.trace_mode = "interactive"  # the trace tag: interactive | replay
        self.trace_metadata: dict[str, Any] = {}  # e.g. the original session of a replay
        self._lock = coach.turn_lock(session_id)

    # -- asyncio --------------------------------------------------------------
    # The store and the checkpointers are synchronous; each call runs in a worker thread so an
    # event loop serving many learners is never blocked by one learner's turn.
    async def astart(self) -> list[Event]:
        """``start`` for asyncio code."""
        return await asyncio.to_thread(self.start)

    async def asend(self, message: dict[str, Any]) -> list[Event]:
        """``send`` for asyncio code."""
        return await asyncio.to_thread(self.send, message)

    async def aanswer(self, text: str) -> list[Event]:
        """``answer`` for asyncio code."""
        return await asyncio.to_thread(self.answer, text)

    async def aask(self, text: str) -> list[Event]:
        """``ask`` for asyncio code."""
        return await asyncio.to_thread(self.ask, text)

    async def acommand(self, name: str) -> list[Event]:
        """``command`` for asyncio code."""
        return await asyncio.to_thread(self.command, name)

    # -- driving --------------------------------------------------------------
    def start(self) -> list[Event]:
        """Begin the session, or pick it up where it stopped (after a crash too)."""
        snapshot = self.coach.graph.get_state(self.config)
        self.turn = int(snapshot.values.get("turn", 0)) if snapshot.values else 0
        self.variant = snapshot.values.get("variant") if snapshot.values else None
        if not snapshot.values:
            return self._run({"learner_id": self.learner_id, "session_id": self.id, "minutes": self.minutes})
        if snapshot.values.get("finished"):
            self.finished = True
            return [event("notice", "This session is already finished.")]
        waiting = [i.value for task in snapshot.tasks for i in task.interrupts]
        if waiting:
            self.pending = waiting[0]
            return [event("notice", "Welcome back: picking up where you stopped."), self.pending]
        return [event("notice", "Welcome back: finishing the last step."), *self._run(None)]

    def send(self, message: dict[str, Any]) -> list[Event]:
        """A JSONL-protocol message: {'answer': ...}, {'ask': ...} or {'command': ...}."""
        if "answer" in message:
            return self.answer(str(message["answer"]))
        if "ask" in message:
            return self.ask(str(message["ask"]))
        if "command" in message:
            return self.command(str(message["command"]))
        return [event("error", "Send {\"answer\": ...}, {\"ask\": ...} or {\"command\": ...}.")]

    def answer(self, text: str) -> list[Event]:
        problem = self._check_answer(text)
        if problem:
            return [event("error", problem)]
        return self._run(Command(resume={"answer": text}))

    def ask(self, text: str) -> list[Event]:
        try:
            question = clean_text(text, max_chars=10 * MAX_ASK_CHARS)
        except InvalidAnswer as exc:
            return [event("error", str(exc).replace("answer", "question"))]
        notices = []
        if len(question) > MAX_ASK_CHARS:
            question = question[:MAX_ASK_CHARS]
            notices.append(event("notice", f"Your question was cut to its first {MAX_ASK_CHARS} characters."))
        if not self._waiting():
            return [event("error", "The session is not waiting for input.")]
        return notices + self._run(Command(resume={"ask": question}))

    def command(self, name: str) -> list[Event]:
        name = name.strip().lstrip("/").lower()
        if name not in COMMANDS:
            return [event("error", f"Unknown command {name!r}. Commands: {', '.join(sorted(COMMANDS))}.")]
        if not self._waiting():
            return [event("error", "The session is not waiting for input.")]
        return self._run(Command(resume={"command": name}))

    # -- internals ------------------------------------------------------------
    def _waiting(self) -> bool:
        return self.pending is not None and not self.finished

    def _check_answer(self, text: str) -> str | None:
        """Validate before touching the graph, so a bad answer changes nothing."""
        if not self._waiting():
            return "The session is not waiting for an answer."
        assert self.pending is not None
        if self.pending.get("type") != "question":
            return "Nothing to answer yet: send {\"command\": \"continue\"} or ask a question."
        on_table = {"item_id": self.pending["item_id"], "variant": self.variant}
        item = current_item(on_table, self.coach.context)  # type: ignore[arg-type]
        try:
            parse_response(item, text, self.coach.settings.max_answer_chars)
        except InvalidAnswer as exc:
            return str(exc)
        return None

    def _run(self, graph_input: Any) -> list[Event]:
        with self._lock:
            self.coach.leases.check(self.id)
            turn = self.turn + 1 if isinstance(graph_input, Command) else self.turn
            learner_input = graph_input.resume if isinstance(graph_input, Command) else {}
            started = self.coach.clock()
            context = turn_context(self.coach.context)
            events, route = self._stream(graph_input, turn, learner_input, context)
            self.turn = turn
            self._record(turn, learner_input, route, events, started, context.recorder)
            return events

    def _stream(self, graph_input: Any, turn: int, learner_input: Any,
                context: CoachContext) -> tuple[list[Event], list[str]]:
        events: list[Event] = []
        route: list[str] = []
        self.pending = None
        config = self.coach.tracer.config(self.config, session_id=self.id, learner_id=self.learner_id,
                                          turn=turn, mode=self.trace_mode, learner_input=learner_input)
        config["metadata"] = {**config.get("metadata", {}), **self.trace_metadata}
        for mode, chunk in self.coach.graph.stream(graph_input, config, context=context,
                                                   stream_mode=["custom", "updates"], durability="sync"):
            if mode == "custom":
                events.append(chunk)
                continue
            for node, update in chunk.items():
                if node == "__interrupt__":
                    self.pending = update[0].value
                    events.append(self.pending)
                else:
                    route.append(node)
                    self._follow(update or {})
        return events, route

    def _follow(self, update: dict[str, Any]) -> None:
        """Keep the few state values the session needs between turns."""
        self.finished = self.finished or bool(update.get("finished"))
        if "variant" in update:
            self.variant = update["variant"]

    def _record(self, turn: int, learner_input: Any, route: list[str], events: list[Event],
                started: datetime, recorder: TurnRecorder) -> None:
        """Keep what replay needs: input, route, tool and LLM I/O, grade, mastery (masked, bounded)."""
        recorded = recorder.take()
        graded = next((e for e in events if e["type"] == "feedback"), None)
        record = {"started_at": started.isoformat(), "route": route, **recorded,
                  "grade": graded and {k: graded[k] for k in GRADE_FIELDS},
                  "events": [{"type": e["type"], "text": e["text"][:MAX_EVENT_CHARS]} for e in events]}
        if self.coach.settings.mask_pii:
            record, learner_input = mask(record), mask(learner_input or {})
        trace_id = self.coach.tracer.trace_id(self.id, turn)
        self.coach.store.record_turn(self.id, turn, trace_id, learner_input or {}, record,
                                     tokens=recorded["tokens"], llm_calls=len(recorded["llm"]))
        self.coach.tracer.after_turn(trace_id, events, finished=self.finished, session_id=self.id)
