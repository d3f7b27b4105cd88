"""Tracing overhead: turn p50 with Langfuse export to a loopback sink, against tracing off.

Two coaches in one process on separate scratch data dirs, one with a real LangfuseTracer
exporting over HTTP to a loopback server that accepts what the SDK posts, one with tracing
off; their turns alternate in blocks so machine noise hits both alike. The sink runs in its
own process, as Langfuse does: decoding what it receives is the server's work, not the coach's
(in the coach's process it took the GIL from the turns it was measuring, about 5 % of their CPU).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from bench import Row, figure, percentile, scratch_dir
from bench.scripted import ScriptedLearner, offline_settings
from bench.turns import measure
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
            on_times, off_times = measure(on.turn, off.turn, turns, warmup)
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
    ]


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
