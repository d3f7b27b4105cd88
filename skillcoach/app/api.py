"""The Python API: ``Coach`` opens the coach; ``CoachSession`` drives one learner's session.

    from skillcoach import Coach

    with Coach() as coach:
        session = coach.session("ada", minutes=15)
        events = session.start()
        while not session.finished:
            question = session.pending
            events = session.answer("b")

Every method returns the events the coach produced: models of ``skillcoach.protocol`` (a
discriminated union on ``type``; ``ev.wire()`` is the JSONL protocol's dict).
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
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, Durability, StreamMode

from agents.composer import Composer
from agents.context import CoachContext, build_coach_context, for_language
from agents.learner import COMMANDS
from agents.llm_composer import LLMComposer
from agents.model_budget import NOTICE as MODEL_NOTICE
from agents.reviewer import item_on_table
from agents.state import CoachInput, CoachState
from graphs.coach import build_coach_graph
from skillcoach.app.checkpoints import open_checkpointer
from skillcoach.app.inputs import BadInput, check_text, parse_message
from skillcoach.app.lease_keeper import LeaseKeeper
from skillcoach.curriculum.catalog import Curriculum
from skillcoach.grading.answers import InvalidAnswer, clean_text, parse_response
from skillcoach.i18n import N_, check_lang, resolve_lang
from skillcoach.learner.progress import UnknownObjective, evidence_report, progress_report
from skillcoach.learner.review import utcnow
from skillcoach.protocol import Event, Feedback, InputBase, Lesson, Pending, Question, error, notice, parse_event
from skillcoach.settings import Settings
from skillcoach.storage.learners import UnknownLearner, get_profile, set_lang
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import check_learner_id
from skillcoach.tracing.masking import mask
from skillcoach.tracing.recording import TurnRecorder
from skillcoach.tracing.tracer import Tracer, make_tracer

MAX_ASK_CHARS = 500
GRADE_FIELDS = ("item_id", "verdict", "score", "mastery_before", "mastery", "mastered", "grader", "text")
MAX_EVENT_CHARS = 600
COMMANDS_HELP = N_("Answer with a choice number or letter (1 3 or a,c for several; t/f) or free text. "
                   "/hint a hint; /skip skip the question; /progress your progress; /quit end with a summary; "
                   "/help this list; ?QUESTION asks the tutor; continue (Enter) moves on after a lesson.")

CoachGraph = CompiledStateGraph[CoachState, CoachContext, CoachInput, CoachState]
# The route, from each node's update. The events nodes emit reach the session through the turn context's
# sink, not LangGraph's "custom" stream: streaming that runs every node in a worker thread, with a waiter
# thread beside it, where "updates" alone runs a one-node step in the caller's thread.
STREAM_MODE: StreamMode = "updates"


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
        """Open the coach's store, curriculum, tracer, leases and checkpointer from ``settings``.

        ``models`` maps agent names (tutor, quiz, reviewer, planner) to chat models, overriding
        the settings (tests and benchmarks pass scripted models here).
        """
        self.settings = settings or Settings()
        self._stack = ExitStack()
        options = DatabaseOptions.from_settings(self.settings)
        self.clock = clock
        self.tracer = tracer or make_tracer(self.settings)
        self._stack.callback(self.tracer.shutdown)
        self.context = build_coach_context(self.settings, clock=clock, tracer=self.tracer, composer=composer,
                                           models=models, options=options)
        self.curriculum: Curriculum = self.context.curriculum
        self.store = self.context.store
        self.index = self.context.index
        self.budget = self.context.budget
        self._contexts = {self.context.lang: self.context}  # one per language learners use, built on first use
        self._turn_locks: dict[str, threading.RLock] = {}
        self._turn_locks_guard = threading.Lock()
        self.leases = LeaseKeeper(self.store, self.settings.session_lease_seconds)
        self._stack.callback(self.leases.close)
        checkpointer = open_checkpointer(self.settings.resolved_checkpoint_url, self._stack, options)
        self.graph: CoachGraph = build_coach_graph().compile(checkpointer=checkpointer)

    def __enter__(self) -> Coach:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release what the coach holds: flush the tracer, drop its session leases, close the checkpointer."""
        self._stack.close()

    def context_for(self, lang: str) -> CoachContext:
        """The shared context in ``lang``: curriculum, catalog and composer of that language (same store)."""
        with self._turn_locks_guard:
            if lang not in self._contexts:
                self._contexts[lang] = for_language(self.context, check_lang(lang))
            return self._contexts[lang]

    def learner_lang(self, learner_id: str, lang: str | None = None) -> str:
        """The learner's language: ``lang`` (then stored as theirs), else their stored one, else the settings'."""
        if lang is not None:
            set_lang(self.store, learner_id, check_lang(lang))
        return resolve_lang(lang, get_profile(self.store, learner_id).lang, self.settings.lang)

    def session(self, learner_id: str, minutes: int | None = None, *, new: bool = False,
                lang: str | None = None, objective_id: str | None = None) -> CoachSession:
        """The learner's open session (resumed), or a new one; a new learner id creates the learner.

        ``lang`` (en, ko) switches the learner to that language and keeps it for later sessions; progress
        is shared across languages (same ids). ``objective_id`` starts a new session on that objective
        (the open one is closed, as with ``new``): the planner takes it first, or first the prerequisite
        it still needs, with a notice saying why. An unknown objective raises ``UnknownObjective``
        before anything changes.
        """
        check_learner_id(learner_id)
        if lang is not None:
            check_lang(lang)  # before anything is written
        if objective_id is not None and objective_id not in self.curriculum.objectives:
            raise UnknownObjective(f"unknown objective {objective_id!r} (see 'skillcoach curriculum list')")
        self.store.ensure_learner(learner_id)
        learner_lang = self.learner_lang(learner_id, lang)
        active = self.store.active_session(learner_id)
        new = new or objective_id is not None
        if active is not None and new:
            self.store.close_session(active.id)  # replaced, not finished: no summary was given
            active = None
        if active is None:
            active = self.store.open_session(learner_id, minutes or self.settings.session_minutes)
        self.leases.hold(active.id)  # SessionBusy when another process drives it
        session = CoachSession(self, active.id, learner_id, active.minutes, lang=learner_lang)
        session.chosen = objective_id
        return session

    def progress(self, learner_id: str, why: str | None = None) -> dict[str, Any]:
        """The learner's progress; with ``why`` an objective id, also the evidence behind its estimate."""
        check_learner_id(learner_id)
        if self.store.get_learner(learner_id) is None:
            raise UnknownLearner(learner_id)
        report = progress_report(self.curriculum, self.store, learner_id, self.clock())
        if why is not None:
            report["why"] = self.evidence(learner_id, why)
        return report

    def evidence(self, learner_id: str, objective_id: str) -> dict[str, Any]:
        """The attempts behind one objective's estimate: item, grader, confidence, date, P(L) before/after."""
        check_learner_id(learner_id)
        return evidence_report(self.curriculum, self.store, learner_id, objective_id)

    def resolve_dispute(self, attempt_id: int, verdict: str | None = None,
                        score: float | None = None) -> dict[str, Any]:
        """An operator settles a disputed grade (keeps it, or re-grades it); the attempt counts again."""
        state = self.store.resolve_dispute(attempt_id, self.curriculum, self.clock(), verdict=verdict, score=score)
        return {"attempt_id": attempt_id, "status": state.status, "p_mastery": round(state.knowledge.p_mastery, 3)}

    async def asession(self, learner_id: str, minutes: int | None = None, *, new: bool = False,
                       lang: str | None = None, objective_id: str | None = None) -> CoachSession:
        """``session`` for asyncio code (a web app): the database work runs in a worker thread."""
        return await asyncio.to_thread(self.session, learner_id, minutes, new=new, lang=lang,
                                       objective_id=objective_id)

    def turn_lock(self, session_id: str) -> threading.RLock:
        """The lock that serialises the turns of one session within this process (re-entrant: input checks hold it)."""
        with self._turn_locks_guard:
            return self._turn_locks.setdefault(session_id, threading.RLock())


def turn_context(shared: CoachContext) -> CoachContext:
    """The shared context with a fresh recorder, and the composer recording into it, for one turn."""
    recorder = TurnRecorder()
    composer = shared.composer.for_turn(recorder) if isinstance(shared.composer, LLMComposer) else shared.composer
    return replace(shared, recorder=recorder, composer=composer)



def _opening(graph_input: Any) -> dict[str, Any]:
    """What turn 0 records as its input: the chosen objective, if any (replay starts the same way)."""
    chosen = graph_input.get("chosen") if isinstance(graph_input, dict) else None
    return {"chosen": chosen} if chosen else {}


def same_lesson_notice(pending: Pending, _: Callable[[str], str] = N_) -> Event:
    """After a question on a lesson, say the lesson still waits instead of sending it again."""
    if not isinstance(pending, Lesson):
        return pending
    return notice(_("Back to the lesson: {title}.").format(title=pending.title), awaiting=True, resumes="lesson",
                  objective_id=pending.objective_id)


class CoachSession:
    """One coaching session; its thread id in the checkpointer is the session id."""

    def __init__(self, coach: Coach, session_id: str, learner_id: str, minutes: int, *, lang: str | None = None):
        self.coach, self.id, self.learner_id, self.minutes = coach, session_id, learner_id, minutes
        # the learner's language for this session's turns (a session loaded by id: their stored one)
        self.lang = lang or coach.learner_lang(learner_id)
        self.pending: Pending | None = None  # the lesson or question the coach waits on
        self.finished = False
        self.config: dict[str, Any] = {"configurable": {"thread_id": session_id}}
        self.turn = 0  # learner inputs consumed, mirrored from the graph state to save a read per turn
        self.variant: dict[str, Any] | None = None  # the model-written variant on the table, if any
        self.trace_mode = "interactive"  # the trace tag: interactive | replay
        self.trace_metadata: dict[str, Any] = {}  # e.g. the original session of a replay
        self.listener: Callable[[Event], None] | None = None  # told each event as the graph produces it
        self.chosen: str | None = None  # the objective the learner chose; read when the session first runs
        self._lock = coach.turn_lock(session_id)

    # -- asyncio --------------------------------------------------------------
    # The store and the checkpointers are synchronous; each call runs in a worker thread so an
    # event loop serving many learners is never blocked by one learner's turn.
    async def astart(self) -> list[Event]:
        """``start`` for asyncio code."""
        return await asyncio.to_thread(self.start)

    async def asend(self, message: dict[str, Any] | InputBase) -> list[Event]:
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
        snapshot = self.coach.graph.get_state(cast(RunnableConfig, self.config))
        self.turn = int(snapshot.values.get("turn", 0)) if snapshot.values else 0
        self.variant = snapshot.values.get("variant") if snapshot.values else None
        cut_off = self._cut_off_turn() if snapshot.values else None
        start = self._checkpoint_before(cut_off.number) if cut_off is not None else None
        _ = self.context.gettext
        if start is not None:
            return [notice(_("Welcome back: redoing the step that was cut off.")), *self._redo(cut_off, start)]
        if not snapshot.values:
            return self._run(self._first_input())
        if snapshot.values.get("finished"):
            self.finished = True
            return [notice(_("This session is already finished."))]
        waiting = [i.value for task in snapshot.tasks for i in task.interrupts]
        if waiting:
            self.pending = _pending(waiting[0])
            return [notice(_("Welcome back: picking up where you stopped.")), self.pending]
        return [notice(_("Welcome back: finishing the last step.")), *self._run(None)]

    def send(self, message: dict[str, Any] | InputBase) -> list[Event]:
        """A JSONL-protocol message: {'answer': ...}, {'ask': ...} or {'command': ...}, or its input model."""
        try:
            valid = parse_message(message)
        except BadInput as exc:
            return [error(exc.translated(self.context.gettext))]
        return {"answer": self.answer, "ask": self.ask, "command": self.command}[valid.kind](valid.text)

    def answer(self, text: str) -> list[Event]:
        """Answer the question on the table."""
        with self._lock:  # parsed against the question this turn answers, not one another thread moved past
            try:
                response = self._parse_answer(text)
            except (BadInput, InvalidAnswer) as exc:
                return [error(exc.translated(self.context.gettext))]
            # The reviewer grades the response parsed here; the turn records the learner's own text.
            return self._run(Command(resume={"answer": text, "response": response}), {"answer": text})

    def ask(self, text: str) -> list[Event]:
        """Ask the tutor a question (the lesson or question on the table keeps waiting)."""
        try:
            question = clean_text(check_text(text, "question"), max_chars=10 * MAX_ASK_CHARS)
        except (InvalidAnswer, BadInput) as exc:
            return [error(str(exc).replace("answer", "question"))]
        notices = []
        if len(question) > MAX_ASK_CHARS:
            question = question[:MAX_ASK_CHARS]
            notices.append(notice(self.context.gettext(
                "Your question was cut to its first {max} characters.").format(max=MAX_ASK_CHARS)))
        with self._lock:
            if not self._waiting():
                return [error(self.context.gettext("The session is not waiting for input."))]
            return notices + self._run(Command(resume={"ask": question}))

    def command(self, name: str) -> list[Event]:
        """A command: continue, hint, skip, progress, dispute, quit, or help."""
        try:
            name = check_text(name, "command").strip().lstrip("/").lower()
        except BadInput as exc:
            return [error(exc.translated(self.context.gettext))]
        _ = self.context.gettext
        if name == "help":
            return [notice(_(COMMANDS_HELP), commands=sorted([*COMMANDS, "help"]))]
        if name not in COMMANDS:
            return [error(_("Unknown command {name}. Commands: {commands}.").format(
                name=repr(name), commands=", ".join(sorted(COMMANDS))))]
        with self._lock:
            if not self._waiting():
                return [error(_("The session is not waiting for input."))]
            return self._run(Command(resume={"command": name}))

    # -- internals ------------------------------------------------------------
    @property
    def context(self) -> CoachContext:
        """The coach's shared context in this learner's language."""
        return self.coach.context_for(self.lang)

    def _first_input(self) -> CoachInput:
        """The input that starts the session (with the chosen objective, if any)."""
        first = CoachInput(learner_id=self.learner_id, session_id=self.id, minutes=self.minutes)
        if self.chosen is not None:
            first["chosen"] = self.chosen
        return first

    def _waiting(self) -> bool:
        return self.pending is not None and not self.finished

    def _parse_answer(self, text: str) -> str:
        """Validate the answer once, before touching the graph, and return it as the reviewer grades it.

        A bad answer changes nothing: ``BadInput`` or ``InvalidAnswer`` says what is wrong.
        """
        check_text(text, "answer")
        if not self._waiting():
            raise BadInput.message(N_("The session is not waiting for an answer."))
        if not isinstance(self.pending, Question):
            raise BadInput.message(N_('Nothing to answer yet: send {{"command": "continue"}} or ask a question.'))
        item = item_on_table(self.context.curriculum, self.pending.item_id, self.variant)
        return parse_response(item, text, self.coach.settings.max_answer_chars)  # InvalidAnswer says what is wrong

    def _turn_transaction(self) -> AbstractContextManager[None]:
        """One transaction for the turn's writes when the turn is local work; short ones when a model writes.

        SQLite has one write lock per file, held from a turn's first write to its commit. An offline turn
        holds it for milliseconds; a model-backed turn would hold it through the model calls after the
        answer is graded (seconds), making every other learner's turn wait, so there each write commits
        on its own as before (an answer is still never lost or counted twice: the redo writes it once).
        """
        return self.coach.store.turn() if self.context.composer.name == "offline" else nullcontext()

    def _run(self, graph_input: Any, learner_input: dict[str, Any] | None = None) -> list[Event]:
        with self._lock:
            self.coach.leases.check(self.id)
            turn = self.turn + 1 if isinstance(graph_input, Command) else self.turn
            if learner_input is None:
                learner_input = graph_input.resume if isinstance(graph_input, Command) else _opening(graph_input)
            started = self.coach.clock()
            self._note_input(turn, learner_input, started)
            context = turn_context(self.context)
            with self._turn_transaction():  # attempt, mastery and the turn record: one transaction
                events, route = self._stream(graph_input, turn, learner_input, context)
                trace_id = self._record(turn, learner_input, route, events, started, context.recorder)
            self.turn = turn
            self._traced(trace_id, events)
            self._let_go_when_finished()
            return events

    def _stream(self, graph_input: Any, turn: int, learner_input: Any, context: CoachContext,
                at: dict[str, Any] | None = None) -> tuple[list[Event], list[str]]:
        events: list[Event] = []
        route: list[str] = []
        before, self.pending = self.pending, None
        config = self.coach.tracer.config(at or self.config, session_id=self.id, learner_id=self.learner_id,
                                          turn=turn, mode=self.trace_mode, learner_input=learner_input,
                                          events=events)
        config["metadata"] = {**config.get("metadata", {}), **self.trace_metadata}
        self.coach.budget.begin_turn(context.recorder)

        def written(wire: dict[str, Any]) -> None:  # an event a node emits, as it emits it
            event = parse_event(wire)
            events.append(event)
            self._tell(event)

        chunk: dict[str, Any]  # {node: its update}
        for chunk in self.coach.graph.stream(graph_input, cast(RunnableConfig, config),
                                             context=replace(context, sink=written), stream_mode=STREAM_MODE,
                                             durability=durability(graph_input)):
            for node, update in chunk.items():
                if node == "__interrupt__":
                    self.pending = _pending(update[0].value)
                    shown = (same_lesson_notice(self.pending, context.gettext) if self.pending == before
                             else self.pending)
                    events.append(shown)
                    self._tell(shown)
                elif node.startswith("__"):
                    continue  # e.g. __metadata__ when a redone step reuses a node's saved writes
                else:
                    route.append(node)
                    self._follow(update or {})
        if self.coach.budget.take_notice():
            events.insert(0, notice(context.gettext(MODEL_NOTICE)))
        return events, route

    def _tell(self, ev: Event) -> None:
        if self.listener is not None:
            self.listener(ev)

    # -- crash consistency: the input is on record before its step runs ------------------------
    def _note_input(self, turn: int, learner_input: Any, started: datetime) -> None:
        """Record the learner's input before the graph step runs.

        A step cut off by a crash is then redone with it (and replays), instead of being resumed
        with no input.
        """
        given = mask(learner_input or {}) if self.coach.settings.mask_pii else learner_input or {}
        self.coach.store.record_turn(self.id, turn, self.coach.tracer.trace_id(self.id, turn), given,
                                     {"pending": True, "started_at": started.isoformat(), "route": []})

    def _cut_off_turn(self) -> Any:
        """The last turn if a crash cut it off (its record is still the pending one), else None."""
        turns = self.coach.store.turns(self.id)
        return turns[-1] if turns and (turns[-1].record or {}).get("pending") else None

    def _redo(self, cut_off: Any, start: Any) -> list[Event]:
        """Run a cut-off turn again, whole, from the checkpoint it started at, with its recorded input.

        Its writes are idempotent (the attempt is keyed on session + turn), and none of its events
        reached the learner, so the redone turn is the one the learner sees and replay reproduces.
        """
        learner_input = dict(cut_off.learner_input or {})
        self.variant = start.values.get("variant")
        graph_input: Command[Any] | None = Command(resume=learner_input) if cut_off.number else None
        context = turn_context(self.context)
        with self._turn_transaction():
            events, route = self._stream(graph_input, cut_off.number, learner_input, context, at=start.config)
            trace_id = self._record(cut_off.number, learner_input, route, events,
                                    datetime.fromisoformat(cut_off.record["started_at"]), context.recorder)
        self.turn = cut_off.number
        self._traced(trace_id, events)
        self._let_go_when_finished()
        return events

    def _let_go_when_finished(self) -> None:
        """A finished session's lease is no longer renewed: the heartbeat then renews only sessions still open."""
        if self.finished:
            self.coach.leases.let_go(self.id)

    def _checkpoint_before(self, turn: int) -> Any:
        """The snapshot a turn started from: the wait for input after turn - 1, or the session's first."""
        earliest = None
        for snapshot in self.coach.graph.get_state_history(cast(RunnableConfig, self.config)):
            if turn and snapshot.next == ("learner",) and snapshot.values.get("turn", 0) == turn - 1:
                return snapshot
            earliest = snapshot
        return None if turn else earliest

    def _follow(self, update: dict[str, Any]) -> None:
        """Keep the few state values the session needs between turns."""
        self.finished = self.finished or bool(update.get("finished"))
        if "variant" in update:
            self.variant = update["variant"]

    def _record(self, turn: int, learner_input: Any, route: list[str], events: list[Event],
                started: datetime, recorder: TurnRecorder) -> str:
        """Keep what replay needs: input, route, tool and LLM I/O, grade, mastery (masked, bounded).

        Runs inside the turn's transaction, so the record commits with the attempt it reports.
        """
        recorded = recorder.take()
        graded = next((e for e in events if isinstance(e, Feedback)), None)
        record = {"started_at": started.isoformat(), "route": route, **recorded,
                  "grade": graded and {k: getattr(graded, k) for k in GRADE_FIELDS},
                  "events": [{"type": e.type, "text": e.text[:MAX_EVENT_CHARS]} for e in events]}
        if self.coach.settings.mask_pii:
            record, learner_input = mask(record), mask(learner_input or {})
        trace_id = self.coach.tracer.trace_id(self.id, turn)
        self.coach.store.record_turn(self.id, turn, trace_id, learner_input or {}, record,
                                     tokens=recorded["tokens"], llm_calls=len(recorded["llm"]))
        return trace_id

    def _traced(self, trace_id: str, events: list[Event]) -> None:
        """Scores and session data on the turn's trace, once the turn is committed."""
        self.coach.tracer.after_turn(trace_id, [e.wire() for e in events], finished=self.finished,
                                     session_id=self.id)


def durability(graph_input: Any) -> Durability:
    """When a run writes its checkpoints: a learner's turn once, where it stops; the session's first run, every step.

    A turn cut off by a crash is redone whole from the wait it started at (``CoachSession._redo``), so the
    checkpoints of the steps in between were never read back, and writing them was most of a turn's checkpoint
    I/O. The first run has no wait before it: it keeps its input checkpoint, the one its redo starts from.
    """
    return "exit" if isinstance(graph_input, Command) else "sync"


def _pending(value: Any) -> Pending:
    """The lesson or question a graph interrupt waits on (state keeps its wire dict)."""
    pending = parse_event(value)
    assert isinstance(pending, Question | Lesson), f"the coach waits on a lesson or question, not {pending.type}"
    return pending
