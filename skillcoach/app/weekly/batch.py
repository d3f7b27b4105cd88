"""The weekly batch: one plan per learner for an ISO week, each made by the weekly graph.

- Idempotent: a learner's week that has a plan is left as it is, unless ``force``.
- Resumable: plans are written every few learners, each whole, so a run after a crash skips
  the learners planned before it and plans the rest.
- Isolated: one learner's failure becomes that learner's outcome; the others go on.

A face, like the API: it compiles the graph and runs it with the tracer's run config
(mode ``weekly``, session ``weekly-<learner>-<week>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, cast

from langchain_core.runnables import RunnableConfig

from agents.weekly_planner import Narrative, WeeklyInput, build_weekly_context
from graphs.weekly import build_weekly_graph
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner.review import utcnow
from skillcoach.planning.weekly import NothingToPlan, PlanningError
from skillcoach.planning.weeks import parse_week
from skillcoach.settings import Settings
from skillcoach.storage.learners import UnknownLearner
from skillcoach.storage.plans import StoredPlan, planned_learners, save_plans
from skillcoach.storage.store import Store
from skillcoach.tracing.tracer import Tracer, make_tracer

Status = Literal["planned", "exists", "nothing", "failed"]
WRITE_EVERY = 50  # plans per transaction: fewer commits, and a crash loses at most this many to re-plan


@dataclass(frozen=True)
class Outcome:
    """What the batch did for one learner: planned, already had a plan, had nothing to plan, or failed."""

    learner_id: str
    status: Status
    message: str = ""
    blocks: int = 0


@dataclass
class BatchReport:
    """What a weekly batch run did for the week: one outcome per learner visited."""

    week: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """Return how many learners ended with this status."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        """Return the outcomes of the learners whose planning failed."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        """Tell whether every learner was planned, skipped or had nothing to plan, with no failure."""
        return not self.failed


class WeeklyBatch:
    """Plans weeks over one database and curriculum. Use as a context manager.

    Args:
        settings: where the curriculum and database are, and the tracing keys.
        store: the database to plan in (the settings' database if None).
        tracer: where runs are traced (from the settings if None).
        narrative: writes the plan's few sentences (the configured model, or offline, if None).
        clock: the time stamped on each plan.
        write_every: plans per transaction; a crash loses at most this many to plan again.
    """

    def __init__(self, settings: Settings, *, store: Store | None = None, tracer: Tracer | None = None,
                 narrative: Narrative | None = None, clock: Callable[[], datetime] = utcnow,
                 write_every: int = WRITE_EVERY):
        self.curriculum = load_curriculum(settings.curriculum_dir, settings.locale)
        self.store = store or Store(settings.resolved_database_url)
        self.tracer = tracer or make_tracer(settings)
        self.context = build_weekly_context(settings, curriculum=self.curriculum, store=self.store,
                                            narrative=narrative, clock=clock)
        self.graph = build_weekly_graph().compile()
        self.clock = clock
        self.write_every = max(1, write_every)

    def __enter__(self) -> WeeklyBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.tracer.shutdown()

    def run(self, week: str, learners: list[str], *, force: bool = False,
            on_outcome: Callable[[Outcome], None] | None = None) -> BatchReport:
        """Plan the week for the learners, writing plans in chunks; ``on_outcome`` hears each learner's outcome."""
        parse_week(week)  # a malformed week stops the run before anything is written
        report = BatchReport(week)

        def record(outcome: Outcome) -> None:
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)

        for batch in self._chunks(learners, week, force, record):
            for outcome in self._write(batch, force):
                record(outcome)
        return report

    def plan_one(self, learner_id: str, week: str) -> StoredPlan:
        """Run the weekly graph for one learner; raises what the planning raised."""
        config = self.tracer.config({}, session_id=f"weekly-{learner_id}-{week}", learner_id=learner_id,
                                    turn=0, mode="weekly")
        result = self.graph.invoke(WeeklyInput(learner_id=learner_id, week=week), cast(RunnableConfig, config),
                                   context=self.context)
        return StoredPlan(learner_id, week, result["plan"], result["narrative"], self.clock())

    def _chunks(self, learners: list[str], week: str, force: bool,
                record: Callable[[Outcome], None]) -> Iterator[list[StoredPlan]]:
        """Plans to write, a few at a time; learners skipped or failed are recorded on the way."""
        done = set() if force else planned_learners(self.store, week)
        pending: list[StoredPlan] = []
        for learner_id in learners:
            if learner_id in done:
                record(Outcome(learner_id, "exists", "already planned"))
                continue
            try:
                pending.append(self.plan_one(learner_id, week))
            except Exception as exc:  # noqa: BLE001 - one learner's failure must not stop the others
                record(_failure(learner_id, exc))
            if len(pending) >= self.write_every:
                yield pending
                pending = []
        if pending:
            yield pending

    def _write(self, plans: list[StoredPlan], force: bool) -> list[Outcome]:
        try:
            written = save_plans(self.store, plans, replace=force)
        except Exception as exc:  # noqa: BLE001 - reported per learner; the next chunk may still be written
            return [_failure(plan.learner_id, exc) for plan in plans]
        return [Outcome(plan.learner_id, "planned" if ok else "exists",
                        "" if ok else "planned meanwhile by another run", len(plan.plan["blocks"]))
                for plan, ok in zip(plans, written, strict=True)]


def _failure(learner_id: str, exc: Exception) -> Outcome:
    if isinstance(exc, NothingToPlan):
        return Outcome(learner_id, "nothing", str(exc))
    if isinstance(exc, PlanningError | UnknownLearner):
        return Outcome(learner_id, "failed", str(exc))
    return Outcome(learner_id, "failed", f"{type(exc).__name__}: {exc}")
