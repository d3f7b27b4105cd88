"""Call one coach node directly: a built state, a runtime whose context is built on a tmp SQLite."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from agents.context import CoachContext, build_coach_context, make_composer
from agents.llm_composer import LLMComposer
from agents.state import CoachState
from skillcoach.curriculum.models import Item, ItemKind, Objective
from skillcoach.protocol import EventBase, parse_event
from skillcoach.settings import Settings
from skillcoach.tracing.recording import TurnRecorder

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
_LEARNERS = itertools.count()  # one shared database per test run: each test its own learners
Node = Callable[[CoachState, Runtime[CoachContext]], dict[str, Any]]


def make_context(data_dir: Path) -> CoachContext:
    """The coach's context on a fresh data dir (a tmp SQLite), with the offline composer."""
    return build_coach_context(Settings(data_dir=data_dir), clock=lambda: NOW, models={})


def with_models(ctx: CoachContext, **models: Any) -> CoachContext:
    """The same context with the given scripted chat models behind the composer (and a fresh recorder)."""
    recorder = TurnRecorder()
    composer = make_composer(Settings(data_dir=Path("unused")), None, recorder, ctx.tools, models)
    assert isinstance(composer, LLMComposer)
    return replace(ctx, recorder=recorder, composer=composer)


def start_state(ctx: CoachContext, learner: str | None = None, minutes: int = 20, **values: Any) -> CoachState:
    """A session's state as the graph starts it (a new learner and session on file), plus ``values``."""
    learner = learner or f"learner{next(_LEARNERS)}"
    ctx.store.ensure_learner(learner)
    session = ctx.store.open_session(learner, minutes)
    state: dict[str, Any] = {"learner_id": learner, "session_id": session.id, "minutes": minutes, **values}
    return state  # type: ignore[return-value]  # a TypedDict built from keyword values


def run(node: Node, state: CoachState, ctx: CoachContext) -> tuple[dict[str, Any], list[EventBase]]:
    """The node's update and the events it wrote (as protocol models)."""
    written: list[Any] = []
    update = node(state, Runtime(context=ctx, stream_writer=written.append))
    return update, [parse_event(ev) for ev in written]


def first_objective(ctx: CoachContext) -> Objective:
    """The first objective in teaching order (no prerequisites)."""
    return ctx.curriculum.objective(ctx.curriculum.order[0])


def item_of_kind(ctx: CoachContext, kind: ItemKind) -> tuple[Objective, Item]:
    """The first item of that kind in the curriculum, with its objective."""
    for objective in ctx.curriculum.objectives.values():
        for item in objective.items:
            if item.kind is kind:
                return objective, item
    raise AssertionError(f"no {kind} item in the curriculum")
