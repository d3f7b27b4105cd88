"""The weekly batch on Celery: learners enqueued in chunks, planned by workers on any machine.

A chunk is a task ``skillcoach.weekly.plan_chunk(week, learners, force)``; a worker runs it with
its own settings (its own environment), one ``WeeklyBatch`` per worker process. Nothing needs
coordinating beyond the database: a plan is written whole under the (learner, week) uniqueness,
so a chunk delivered twice (its worker died before acknowledging it) plans nothing twice: the
learners planned the first time are reported as already planned.

Delivery: ``acks_late`` (a message is acknowledged when its chunk is done, not when it is taken),
``reject_on_worker_lost`` (a chunk whose worker process died goes back to the queue) and a
prefetch of one (a worker holds one chunk it has not started, not a hundred). RabbitMQ
re-delivers a dead worker's chunks as soon as its connection drops; Redis after the visibility
timeout (SKILLCOACH_BROKER_VISIBILITY_TIMEOUT, one hour by default: longer than any chunk takes).

Poison chunks: a chunk that kills its worker process (a crash in native code, the OOM killer) would
come back forever, since neither broker counts deliveries for us (RabbitMQ's ``redelivered`` is a
flag, Redis has none). So the task counts them itself, in the result backend, before it plans: the
``MAX_DELIVERIES + 1``-th delivery of the same attempt plans nothing and returns every learner of
the chunk as failed, which the enqueuing command reports (and acknowledges the message).

Results: by default in the database the workers already share (Celery's SQLAlchemy backend,
tables ``celery_taskmeta``/``celery_tasksetmeta``). It needs no further service, survives a
restart of the enqueuing command, and holds one small row per chunk. Redis
(SKILLCOACH_RESULT_BACKEND=redis://...) is faster when the database is the bottleneck.

Celery is imported only here, so the single-machine path never loads it.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from skillcoach.app.weekly.batch import Outcome, Status, WeeklyBatch
from skillcoach.errors import SkillcoachError
from skillcoach.settings import Settings

TASK = "skillcoach.weekly.plan_chunk"
POLL_SECONDS = 0.5
PEEK = 64  # results asked for per poll: chunks finish roughly in queue order, so the first pending ones
TASK_RETRIES = 3  # a chunk whose whole batch failed (database down at start) is tried again this often
RESULT_EXPIRES = 7 * 24 * 3600  # seconds a chunk's result stays in the backend
STATUSES: tuple[Status, ...] = ("planned", "exists", "nothing", "failed")
MAX_DELIVERIES = 3  # a chunk whose worker died this many times in a row is not run again
DELIVERED = "DELIVERED"  # a chunk's state in the result backend while it runs: how often it was handed out


class DistributedUnavailable(SkillcoachError, RuntimeError):
    """Celery is not installed, or the broker cannot be reached."""


@dataclass
class DistributedReport:
    """Counts per status for a distributed run, and the outcomes worth reading (failed, nothing to plan)."""

    week: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    outcomes: list[Outcome] = field(default_factory=list)
    task_seconds: float = 0.0  # summed over chunks: the time workers spent planning (the rest is queueing)

    def count(self, status: Status) -> int:
        """How many learners ended with ``status``."""
        return self.counts.get(status, 0)

    @property
    def failed(self) -> list[Outcome]:
        """The failed learners' outcomes, with their messages."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no learner failed."""
        return self.count("failed") == 0

    @property
    def done(self) -> int:
        """Learners reported so far, whatever their outcome."""
        return sum(self.counts.values())

    def add(self, result: dict[str, Any]) -> None:
        """Add one chunk's result (as ``plan_chunk`` returns it)."""
        for status in STATUSES:
            self.counts[status] += int(result["counts"].get(status, 0))
        self.outcomes.extend(Outcome(learner, status, message) for learner, status, message in result["notable"])
        self.task_seconds += float(result.get("seconds", 0.0))


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """A chunk's result: counts per status and the notable outcomes, as JSON-able data."""
    counts = dict.fromkeys(STATUSES, 0)
    for outcome in outcomes:
        counts[outcome.status] += 1
    notable = [[o.learner_id, o.status, o.message] for o in outcomes if o.status in ("failed", "nothing")]
    return {"counts": counts, "notable": notable, "worker": f"{socket.gethostname()}:{os.getpid()}"}


def failed_chunk(learners: list[str], reason: str) -> dict[str, Any]:
    """The result of a chunk whose task failed as a whole: every learner in it failed with ``reason``."""
    return summarize([Outcome(learner, "failed", reason) for learner in learners])


def result_backend(settings: Settings) -> str:
    """Where chunk results go: the setting, else the database the workers share."""
    if settings.result_backend:
        return settings.result_backend
    return f"db+{settings.resolved_database_url}"


def redis_transport_options(visibility_timeout: float) -> dict[str, float]:
    """Redis's re-delivery settings (RabbitMQ ignores them): a dead worker's chunk back soon after the timeout.

    Kombu sweeps for expired unacknowledged messages every ``interval x throttle`` seconds, 100 s by
    default: with a short visibility timeout the sweep, not the timeout, would decide when a killed
    worker's chunk comes back. One scan (a ZRANGE) per sweep, at most every 10 s.
    """
    return {"visibility_timeout": visibility_timeout, "unacked_restore_throttle": 1,
            "unacked_restore_interval": max(1.0, min(10.0, visibility_timeout / 2))}


def make_celery(settings: Settings) -> Any:
    """The Celery app for ``settings``, with the chunk task registered."""
    try:
        from celery import Celery
    except ImportError:
        raise DistributedUnavailable("distributed runs need Celery: pip install 'skillcoach[distributed]'") from None
    app = Celery("skillcoach", broker=settings.broker_url, backend=result_backend(settings), set_as_current=False)
    transport = redis_transport_options(settings.broker_visibility_timeout)
    app.conf.update(
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=settings.weekly_queue, task_serializer="json", result_serializer="json",
        accept_content=["json"],
        result_expires=RESULT_EXPIRES, result_extended=False, broker_transport_options=transport,
        result_backend_transport_options=transport, broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False, worker_send_task_events=False, task_track_started=False,
        database_create_tables_at_setup=True,
    )
    _WORKER_SETTINGS[id(app)] = settings
    app.task(name=TASK, bind=True, max_retries=TASK_RETRIES)(_plan_chunk)
    return app


_WORKER_SETTINGS: dict[int, Settings] = {}
_BATCH: dict[tuple[int, int], WeeklyBatch] = {}  # per process and app: made on a worker's first chunk


def _plan_chunk(task: Any, week: str, learners: list[str], force: bool = False) -> dict[str, Any]:
    """The task: plan a chunk; one learner's failure is that learner's outcome, not the chunk's."""
    started = time.perf_counter()
    try:
        if count_delivery(task) > MAX_DELIVERIES:
            return failed_chunk(learners, f"chunk given up after {MAX_DELIVERIES} deliveries: each time the "
                                          "worker process running it died (a crash, or killed for memory)")
        batch = worker_batch(_WORKER_SETTINGS[id(task.app)])
        report = batch.run(week, learners, force=force)
    except Exception as exc:  # noqa: BLE001 - the whole chunk could not run (database down): try again later
        if task.request.retries < TASK_RETRIES:
            raise task.retry(exc=exc, countdown=2 ** task.request.retries) from None
        return failed_chunk(learners, f"chunk failed on {socket.gethostname()}: {type(exc).__name__}: {exc}")
    return {**summarize(report.outcomes), "seconds": round(time.perf_counter() - started, 4)}


def count_delivery(task: Any) -> int:
    """Record one more delivery of this chunk (this attempt of it) in the result backend; the count with it.

    Reading then writing is safe: with late acknowledgement one worker at a time holds the message.
    A retry (``task.retry``) is a new attempt and counts from one.
    """
    task_id, attempt = task.request.id, task.request.retries
    meta = task.backend.get_task_meta(task_id)
    seen = meta.get("result") if meta.get("status") == DELIVERED else None
    before = seen["deliveries"] if isinstance(seen, dict) and seen.get("attempt") == attempt else 0
    task.backend.store_result(task_id, {"deliveries": before + 1, "attempt": attempt}, DELIVERED)
    return int(before) + 1


def worker_batch(settings: Settings) -> WeeklyBatch:
    """This process's batch (curriculum, graph, store), made once: a forked pool child makes its own."""
    key = (os.getpid(), id(settings))
    batch = _BATCH.get(key)
    if batch is None:
        batch = _BATCH[key] = WeeklyBatch(settings)
    return batch


def chunks(learners: list[str], size: int) -> Iterator[list[str]]:
    """``learners`` in consecutive slices of ``size``."""
    for start in range(0, len(learners), size):
        yield learners[start:start + size]


def enqueue(app: Any, week: str, learners: list[str], *, force: bool, chunk_size: int) -> list[tuple[Any, list[str]]]:
    """Send every chunk to the queue; the pending results with their learners, in queue order."""
    try:
        return [(app.send_task(TASK, args=(week, part, force), queue=app.conf.task_default_queue), part)
                for part in chunks(learners, chunk_size)]
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds; the operator needs the broker named
        raise DistributedUnavailable(f"cannot enqueue on the broker {_hide(app.conf.broker_url)}: "
                                     f"{type(exc).__name__}: {exc}") from None


def prepare_results(app: Any) -> None:
    """Create the database backend's result tables now, before any worker races to create them."""
    session = getattr(app.backend, "ResultSession", None)
    if session is not None:
        session().close()


def run_distributed(settings: Settings, week: str, learners: list[str], *, force: bool = False,
                    chunk_size: int | None = None, on_chunk: Callable[[DistributedReport], None] | None = None,
                    timeout: float | None = None) -> DistributedReport:
    """Enqueue ``learners`` in chunks and wait for the workers; ``on_chunk`` sees the report after each chunk."""
    from skillcoach.planning.weeks import parse_week

    parse_week(week)
    app = make_celery(settings)
    prepare_results(app)
    pending = enqueue(app, week, learners, force=force, chunk_size=chunk_size or settings.weekly_chunk_size)
    report = DistributedReport(week)
    deadline = None if timeout is None else time.monotonic() + timeout
    while pending:
        pending = _collect(pending, report, on_chunk)
        if pending:
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(POLL_SECONDS)
    for result, part in pending:  # timed out: the chunks stay queued and will still be planned
        report.add(failed_chunk(part, f"no result within {timeout:g} s (task {result.id} still queued)"))
    return report


def _collect(pending: list[tuple[Any, list[str]]], report: DistributedReport,
             on_chunk: Callable[[DistributedReport], None] | None) -> list[tuple[Any, list[str]]]:
    """Take in the finished chunks among the first few pending; the still pending ones."""
    left = []
    for index, (result, part) in enumerate(pending):
        if index >= PEEK or not result.ready():
            left.append((result, part))
            continue
        if result.successful():
            report.add(result.result)
        else:
            report.add(failed_chunk(part, f"chunk failed: {result.result!r}"))
        result.forget()
        if on_chunk:
            on_chunk(report)
    return left


def worker_argv(*, queue: str, concurrency: int, pool: str, name: str | None, loglevel: str) -> list[str]:
    """The ``celery worker`` arguments for ``skillcoach worker``."""
    node = name or f"skillcoach-{os.getpid()}@%h"
    return ["worker", f"--concurrency={concurrency}", f"--pool={pool}", f"--hostname={node}",
            f"--loglevel={loglevel}", f"--queues={queue}", "--without-gossip", "--without-mingle",
            "--without-heartbeat"]


def start_worker(settings: Settings, *, concurrency: int, pool: str = "prefork", name: str | None = None,
                 loglevel: str = "INFO") -> None:
    """Run a Celery worker for the weekly chunks until stopped (blocks)."""
    app = make_celery(settings)
    app.worker_main(worker_argv(queue=settings.weekly_queue, concurrency=concurrency, pool=pool, name=name,
                                loglevel=loglevel))


def _hide(url: str) -> str:
    """The broker URL without its password."""
    scheme, _, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, where = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{where}" if user else f"{scheme}://{where}"
