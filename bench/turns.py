"""Turn overhead: time per learner turn through the Python API, against a bare LangGraph graph.

Both run in the same process on the same kind of checkpointer (SQLite file, WAL, in one
temporary data dir), in alternating blocks so drift (caches, file growth) hits both alike. The
bare graph streams ``["custom", "updates"]`` with ``durability="sync"``, as the coach did until
2026-12-02; the coach now runs as its Python API does (events through the turn context's sink,
``"updates"`` only; a resumed turn's checkpoint written once, where it stops), with the same
guarantees (a turn cut off by kill -9 is redone whole; tests/integration/test_crash_replay.py).
The bare graph has four nodes and waits in one of them, like the coach's learner node:
a resumed turn runs wait -> check -> ask -> wait, no storage and no grading.
"""

from __future__ import annotations

import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypedDict

from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, interrupt

from bench import Row, figure, percentile, scratch_dir
from bench.scripted import ScriptedLearner, offline_settings
from skillcoach.app.api import Coach
from skillcoach.app.checkpoints import open_checkpointer

GOAL_RATIO = "<= 2.0"
GOAL_FLAT = "<= 1.25"  # the checkpoint at the end of a long session / at its start
BLOCK = 20  # turns per block; the two contenders alternate blocks
LONG_SESSION = (200, 600)  # turns, minutes per session (a session still ends when nothing is left today)


class BareState(TypedDict, total=False):
    turn: int
    question: dict[str, Any]
    inbox: dict[str, Any]
    verdict: str


def _start(state: BareState) -> dict[str, Any]:
    return {"turn": 0}


def _ask(state: BareState) -> dict[str, Any]:
    return {"question": {"type": "question", "number": state["turn"] + 1, "choices": ["a", "b"]}}


def _wait(state: BareState) -> dict[str, Any]:
    return {"inbox": interrupt(state["question"]), "turn": state["turn"] + 1}


def _check(state: BareState) -> dict[str, Any]:
    return {"verdict": "correct" if state["inbox"].get("answer") == "a" else "wrong"}


def bare_graph() -> StateGraph:
    """Four nodes and an interrupt: the least a LangGraph tutor with a checkpointer does per turn."""
    graph = StateGraph(BareState)
    for name, node in (("start", _start), ("ask", _ask), ("wait", _wait), ("check", _check)):
        graph.add_node(name, node)
    graph.add_edge(START, "start")
    graph.add_edge("start", "ask")
    graph.add_edge("ask", "wait")
    graph.add_edge("wait", "check")
    graph.add_edge("check", "ask")  # the learner never leaves; each stream stops at the interrupt
    return graph


class BareLearner:
    """Drives the bare graph the way CoachSession drives the coach's."""

    def __init__(self, graph: CompiledStateGraph):
        self.graph = graph
        self.config: dict[str, Any] = {"configurable": {"thread_id": "bare"}}
        self._stream({})

    def turn(self) -> float:
        started = time.perf_counter()
        self._stream(Command(resume={"answer": "a"}))
        return time.perf_counter() - started

    def _stream(self, graph_input: Any) -> None:
        for _ in self.graph.stream(graph_input, self.config, stream_mode=["custom", "updates"], durability="sync"):
            pass


def measure(coach_turn: Any, bare_turn: Any, turns: int, warmup: int) -> tuple[list[float], list[float]]:
    """Alternate blocks of turns; the first ``warmup`` turns of each are not counted."""
    for _ in range(warmup):
        coach_turn(), bare_turn()
    coach: list[float] = []
    bare: list[float] = []
    while len(coach) < turns:
        coach += [coach_turn() for _ in range(BLOCK)]
        bare += [bare_turn() for _ in range(BLOCK)]
    return coach[:turns], bare[:turns]


def run(quick: bool) -> list[Row]:
    turns, warmup = (60, 5) if quick else (1500, 50)
    with scratch_dir("turns") as tmp, Coach(offline_settings(tmp)) as coach, ExitStack() as stack:
        saver = open_checkpointer(f"sqlite:///{Path(tmp) / 'bare-checkpoints.db'}", stack)
        bare = BareLearner(bare_graph().compile(checkpointer=saver))
        learner = ScriptedLearner(coach, "bench-turns", seed=7)
        coach_times, bare_times = measure(learner.turn, bare.turn, turns, warmup)
        sizes, db_growth = checkpoint_sizes(coach, LONG_SESSION[0] if not quick else 40)
    ms = 1000.0
    coach_p50, bare_p50 = percentile(coach_times, 0.5), percentile(bare_times, 0.5)
    sample = f"{turns} turns each, SQLite checkpointer, offline engine"
    return [
        figure("Turn p50, coach (Python API)", coach_p50 * ms, "ms", detail=sample),
        figure("Turn p95, coach (Python API)", percentile(coach_times, 0.95) * ms, "ms"),
        figure("Turn p50, bare 4-node graph", bare_p50 * ms, "ms"),
        figure("Turn p95, bare 4-node graph", percentile(bare_times, 0.95) * ms, "ms"),
        figure("Turn overhead ratio p50 (coach / bare)", coach_p50 / bare_p50, "x", GOAL_RATIO),
        figure("Turn overhead ratio p95 (coach / bare)",
               percentile(coach_times, 0.95) / percentile(bare_times, 0.95), "x", GOAL_RATIO),
        *checkpoint_rows(sizes, db_growth),
    ]


def checkpoint_sizes(coach: Coach, turns: int) -> tuple[list[int], float]:
    """Bytes of the session's latest checkpoint after each of ``turns`` turns of one learner (long sessions,
    then the next), and how much the checkpoint database grew per turn (every super-step's checkpoint is kept)."""
    learner = ScriptedLearner(coach, "bench-checkpoint", seed=5, minutes=LONG_SESSION[1])
    saver: Any = coach.graph.checkpointer
    path = coach.settings.resolved_checkpoint_url.split("///", 1)[-1]
    start_bytes = _file_bytes(path)
    sizes = []
    for _ in range(turns):  # a session ends when nothing is left for today; the next one carries on
        learner.turn()
        assert learner.session is not None
        checkpoint = saver.get_tuple(learner.session.config).checkpoint
        sizes.append(len(saver.serde.dumps_typed(checkpoint)[1]))
    return sizes, (_file_bytes(path) - start_bytes) / turns


def _file_bytes(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))


def checkpoint_rows(sizes: list[int], db_growth: float) -> list[Row]:
    """Median checkpoint bytes over the first and the last 20 turns, their ratio, and the history's growth."""
    head, tail = statistics.median(sizes[:20]), statistics.median(sizes[-20:])
    detail = f"one learner, {len(sizes)} turns; largest {max(sizes)} B (a lesson awaiting, with its sections)"
    return [
        figure("Checkpoint bytes, turns 1-20 (median)", head, "B", detail=detail),
        figure(f"Checkpoint bytes, last 20 of {len(sizes)} turns (median)", tail, "B"),
        figure("Checkpoint size, last 20 / first 20 turns", tail / head, "x", GOAL_FLAT),
        figure("Checkpoint database growth per turn (all super-steps kept)", db_growth / 1024, "KiB",
               detail="LangGraph keeps each super-step's checkpoint; reported, not a goal"),
    ]
