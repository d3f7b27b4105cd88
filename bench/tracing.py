"""Tracing overhead: turn p50 with Langfuse export to a loopback sink, against tracing off.

Two coaches in one process on separate scratch data dirs, one with a real LangfuseTracer
exporting over HTTP to a loopback server that accepts what the SDK posts, one with tracing
off; their turns alternate in blocks so machine noise hits both alike. The sink runs in its
own process, as Langfuse does: decoding what it receives is the server's work, not the coach's
(in the coach's process it took the GIL from the turns it was measuring, about 5 % of their CPU).
The coach writes a turn's spans on a background thread after the turn has answered; the traced blocks'
queue is emptied between blocks, so that work is counted in the CPU figures, never in an untraced turn.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from bench import Row, figure, percentile, scratch_dir
from bench.scripted import ScriptedLearner, offline_settings
from bench.turns import BLOCK
from skillcoach.app.api import Coach
from tests.langfuse_sink import LangfuseSink

GOAL_RATIO = "<= 1.10"


def run(quick: bool) -> list[Row]:
    turns, warmup = (60, 5) if quick else (1000, 40)
    with scratch_dir("tracing") as tmp, sink_process() as (url, spans_received):
        traced_settings = offline_settings(Path(tmp) / "on").model_copy(update={
            "langfuse_public_key": _secret("pk-lf-bench"), "langfuse_secret_key": _secret("sk-lf-bench"),
            "langfuse_base_url": url})
        with Coach(offline_settings(Path(tmp) / "off")) as plain, Coach(traced_settings) as traced:
            off = ScriptedLearner(plain, "bench-off", seed=11)
            on = ScriptedLearner(traced, "bench-on", seed=11)
            on_times, off_times, on_cpu, off_cpu = measure(on.turn, off.turn, traced.tracer.flush, turns, warmup)
        exported = spans_received()  # Coach.close() flushed
    on_p50, off_p50 = percentile(on_times, 0.5), percentile(off_times, 0.5)
    return [
        figure("Turn p50, tracing on (loopback Langfuse)", on_p50 * 1000, "ms",
               detail=f"{turns} turns each; {exported} spans received by the sink"),
        figure("Turn p50, tracing off", off_p50 * 1000, "ms"),
        figure("Tracing overhead ratio p50 (on / off)", on_p50 / off_p50, "x", GOAL_RATIO),
        # Spans and scores are written and exported on background threads, in rounds: what they cost the
        # turns that share the interpreter with a round shows in the tail, so it is reported beside the median.
        figure("Turn p95, tracing on", percentile(on_times, 0.95) * 1000, "ms"),
        figure("Turn p95, tracing off", percentile(off_times, 0.95) * 1000, "ms"),
        figure("CPU per turn, tracing on, background threads included", on_cpu * 1000, "ms",
               detail="the process's CPU time over the traced blocks and their flushes, per turn"),
        figure("CPU per turn, tracing off", off_cpu * 1000, "ms"),
        figure("Tracing CPU ratio (on / off)", on_cpu / off_cpu, "x",
               detail="what tracing costs a busy process, where the learner does not wait for it"),
    ]


def measure(on_turn: Callable[[], float], off_turn: Callable[[], float], settle: Callable[[], None], turns: int,
            warmup: int) -> tuple[list[float], list[float], float, float]:
    """Alternate blocks of traced and untraced turns: their times, and CPU seconds per turn of each.

    After each traced block the tracer's queue is written and sent (``settle``, not timed as a turn), so the
    traced turns' background work cannot run during the untraced block and slow it: a traced turn's time
    holds only what the learner waits for. The CPU figures count that background work, on the traced side.
    """
    for _ in range(warmup):
        on_turn(), off_turn()
    settle()
    on: list[float] = []
    off: list[float] = []
    cpu = {"on": 0.0, "off": 0.0}
    while len(on) < turns:
        started = time.process_time()
        on += [on_turn() for _ in range(BLOCK)]
        settle()
        cpu["on"] += time.process_time() - started
        started = time.process_time()
        off += [off_turn() for _ in range(BLOCK)]
        cpu["off"] += time.process_time() - started
    return on[:turns], off[:turns], cpu["on"] / len(on), cpu["off"] / len(off)


@contextmanager
def sink_process() -> Iterator[tuple[str, Callable[[], int]]]:
    """A LangfuseSink in a child process: its URL, and a function asking it how many spans arrived."""
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve_sink, args=(child,), daemon=True)
    process.start()
    try:
        url = parent.recv()

        def received() -> int:
            parent.send("count")
            return int(parent.recv())

        yield url, received
    finally:
        parent.send("stop")
        process.join(10)


def _serve_sink(conn: Connection) -> None:
    with LangfuseSink() as sink:
        conn.send(sink.url)
        while conn.recv() == "count":
            conn.send(len(sink.spans))


def _secret(value: str):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    return SecretStr(value)
