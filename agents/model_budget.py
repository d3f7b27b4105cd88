"""A time budget per learner turn for model calls; when it is spent the coach goes on offline.

Provider clients bound each HTTP attempt, but a hanging provider times out once per attempt and
per call, so a turn could wait minutes. Here every call of a turn shares one deadline: a call runs
in a worker thread and is abandoned when the turn's budget runs out; after a failure the model is
left alone for a cool-down, so the following turns do not wait again. The learner gets one notice
each time this happens. Failed and skipped calls are recorded, so a replay falls back the same way.
The rest is per agent: one agent's model timing out does not silence another's.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from skillcoach.i18n import N_
from skillcoach.tracing.recording import TurnRecorder

NOTICE = N_("The language model did not answer in time; the coach goes on offline for now.")


class ModelUnavailable(TimeoutError):
    """The model was not called, or not waited for, because the turn's time budget is spent."""


@dataclass
class _Turn:
    """One turn's deadline, record and notice; concurrent turns each have their own."""

    deadline: float
    recorder: TurnRecorder
    notice_due: bool = False


# The turn in progress in this context: a turn's nodes (and the threads they start) run in copies of
# the context its stream started in, so sessions running at once never share a deadline or a record.
_CURRENT: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("skillcoach_turn_budget", default=None)


class TurnBudget:
    """The deadline shared by every model call of one learner turn, with a cool-down after a failure.

    One budget serves every session of a Coach: the deadline, record and notice belong to the turn
    (started by ``begin_turn`` in the turn's context); the cool-down per agent is shared on purpose.

    Args:
        turn_seconds: how long all model calls of one turn may take together.
        cooldown_seconds: how long an agent whose model failed is left out before it is tried again.
        recorder: where calls made outside any turn are recorded.
        clock: monotonic seconds, replaceable in tests.
    """

    def __init__(self, turn_seconds: float, cooldown_seconds: float, recorder: TurnRecorder,
                 clock: Callable[[], float] = time.monotonic):
        self.turn_seconds, self.cooldown_seconds, self.recorder, self.clock = (
            turn_seconds, cooldown_seconds, recorder, clock)
        self._outside = _Turn(clock() + turn_seconds, recorder)  # calls made outside any turn
        self.resting_until: dict[str, float] = {}  # per agent: one agent's failing model stops no other
        self._lock = threading.Lock()

    @property
    def deadline(self) -> float:
        """The current turn's deadline (monotonic seconds)."""
        return self._turn().deadline

    @deadline.setter
    def deadline(self, value: float) -> None:
        self._turn().deadline = value

    def begin_turn(self, recorder: TurnRecorder | None = None) -> None:
        """Start a turn's budget in the current context, recording its failed calls into ``recorder``."""
        _CURRENT.set(_Turn(self.clock() + self.turn_seconds, recorder or self.recorder))

    def _turn(self) -> _Turn:
        return _CURRENT.get() or self._outside

    def take_notice(self) -> bool:
        """True once after the model failed or was skipped for lack of time."""
        turn = self._turn()
        due, turn.notice_due = turn.notice_due, False
        return due

    def call(self, agent: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` if it finishes within the turn's budget; else ModelUnavailable."""
        now = self.clock()
        resting = now < self.resting_until.get(agent, 0.0)
        if resting or now >= self.deadline:
            self._fail(agent, "skipped: resting after a timeout" if resting else "skipped: no time left",
                       rest=not resting)
            raise ModelUnavailable("model call skipped: the turn's time budget is spent")
        box: dict[str, Any] = {}
        context = contextvars.copy_context()  # callbacks (Langfuse) follow the call into the thread

        def run() -> None:
            try:
                box["result"] = context.run(fn, *args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
                box["error"] = exc

        worker = threading.Thread(target=run, daemon=True, name=f"{agent}-model-call")
        worker.start()
        worker.join(max(0.0, self.deadline - now))
        if worker.is_alive():  # abandoned: it ends on its own HTTP timeout, its result unused
            self._fail(agent, "timeout")
            raise ModelUnavailable(f"{agent}: no answer within the turn's {self.turn_seconds:.0f} s budget")
        if "error" in box:  # recorded so a replay fails here too; only a timeout makes the model rest
            self._fail(agent, type(box["error"]).__name__, rest=is_timeout(box["error"]))
            raise box["error"]
        return box["result"]

    def _fail(self, agent: str, why: str, *, rest: bool = True) -> None:
        turn = self._turn()
        if rest:  # a skip while resting neither extends the rest nor repeats the notice
            now = self.clock()
            with self._lock:
                turn.notice_due = turn.notice_due or all(now >= until for until in self.resting_until.values())
                self.resting_until[agent] = now + self.cooldown_seconds
        turn.recorder.llm_call(agent, None, {"error": why})


def is_timeout(exc: BaseException) -> bool:
    """A provider that did not answer in time (the SDKs' own timeout types included)."""
    return isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__


class BudgetedModel:
    """A chat model whose calls go through the turn budget; ``bind_tools`` and structured output too."""

    def __init__(self, model: Any, budget: TurnBudget, agent: str):
        self.model, self.budget, self.agent = model, budget, agent

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        """Call the model within the turn budget."""
        return self.budget.call(self.agent, self.model.invoke, *args, **kwargs)

    def bind_tools(self, *args: Any, **kwargs: Any) -> BudgetedModel:
        """Bind tools to the model, keeping the budget on the bound model."""
        return BudgetedModel(self.model.bind_tools(*args, **kwargs), self.budget, self.agent)

    def with_structured_output(self, *args: Any, **kwargs: Any) -> BudgetedModel:
        """Ask for structured output, keeping the budget on the structured model."""
        return BudgetedModel(self.model.with_structured_output(*args, **kwargs), self.budget, self.agent)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)
