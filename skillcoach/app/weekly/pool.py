"""The weekly batch over several processes, one slice of the learners each.

Every learner's plan is independent and written whole under the table's (learner, week)
uniqueness, so worker processes need no coordination beyond the database: idempotency,
resuming and per-learner failures work exactly as in one process. Outcomes come back over a
queue so the caller can show progress. Workers are spawned (not forked): each opens its own
database connection, curriculum and tracer from the settings.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import queue as queues
import signal
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.process import BaseProcess
from typing import Any

from skillcoach.app.weekly.batch import BatchReport, Outcome, WeeklyBatch
from skillcoach.settings import Settings

POLL_SECONDS = 1.0
LEARNERS_PER_WORKER = 1000  # below this a worker's start-up (a second or two) costs more than it saves
DONE = "done"
PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
PARENT_CHECK_SECONDS = 0.5


def run_weekly(settings: Settings, week: str, learners: list[str], *, force: bool = False, workers: int = 1,
               on_outcome: Callable[[Outcome], None] | None = None) -> BatchReport:
    """Plan ``learners`` for ``week`` in up to ``workers`` processes (in this one when one is enough)."""
    workers = min(workers, len(learners) // LEARNERS_PER_WORKER)
    if workers <= 1:
        with WeeklyBatch(settings) as batch:
            return batch.run(week, learners, force=force, on_outcome=on_outcome)
    context = multiprocessing.get_context("spawn")
    outcomes: Any = context.Queue()
    slices = [learners[n::workers] for n in range(workers)]
    parent = os.getpid()
    processes = [context.Process(target=_work, args=(settings, week, part, force, outcomes, parent), daemon=True)
                 for part in slices if part]
    for process in processes:
        process.start()
    report = BatchReport(week)
    try:
        _collect(report, outcomes, processes, slices, on_outcome)
    finally:
        for process in processes:
            process.join(timeout=POLL_SECONDS)
            if process.is_alive():
                process.terminate()
    return report


def _work(settings: Settings, week: str, learners: list[str], force: bool, outcomes: Any, parent: int) -> None:
    die_with_parent(parent)
    with WeeklyBatch(settings) as batch:
        batch.run(week, learners, force=force, on_outcome=outcomes.put)
    outcomes.put(DONE)


def _collect(report: BatchReport, outcomes: Any, processes: Sequence[BaseProcess], slices: list[list[str]],
             on_outcome: Callable[[Outcome], None] | None) -> None:
    """Outcomes until every worker is done; a worker that died has its unreported learners failed."""
    finished = 0
    while finished < len(processes):
        try:
            item = outcomes.get(timeout=POLL_SECONDS)
        except queues.Empty:
            if finished + sum(1 for p in processes if p.exitcode not in (None, 0)) >= len(processes):
                break  # the rest died without saying done
            continue
        if item == DONE:
            finished += 1
            continue
        report.outcomes.append(item)
        if on_outcome:
            on_outcome(item)
    _fail_unreported(report, processes, slices, on_outcome)


def _fail_unreported(report: BatchReport, processes: Sequence[BaseProcess], slices: list[list[str]],
                     on_outcome: Callable[[Outcome], None] | None) -> None:
    reported = {o.learner_id for o in report.outcomes}
    for process, part in zip(processes, [s for s in slices if s], strict=True):
        if process.exitcode in (None, 0):
            continue
        for learner_id in part:
            if learner_id not in reported:
                outcome = Outcome(learner_id, "failed", f"worker process stopped (exit code {process.exitcode})")
                report.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)


def die_with_parent(parent: int) -> None:
    """End this worker when the process that started it dies, even by SIGKILL (no plans written after).

    Linux: the kernel sends SIGKILL on the parent's death (PR_SET_PDEATHSIG); elsewhere, and for the
    moment before that is set, a watchdog thread notices the parent is gone.
    """
    libc_name = ctypes.util.find_library("c")
    if libc_name and hasattr(signal, "SIGKILL"):
        try:
            ctypes.CDLL(libc_name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # not Linux: the watchdog alone
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watchdog").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
