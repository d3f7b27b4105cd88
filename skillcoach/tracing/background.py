"""One daemon thread that does the turns' tracing work (spans, scores) after they have answered.

Handing a job over is a deque append: no lock, no wake-up, so the turn does not give the interpreter to
the writer at that moment. The writer wakes every ``interval`` seconds (or when asked to drain) and runs
what has accumulated, a few turns' worth at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger("skillcoach.tracing.tracer")
Job = Callable[[], object]
INTERVAL = 0.5  # seconds between the writer's rounds


class Background:
    """Runs jobs in order on one daemon thread, started on the first job; ``drain`` waits for them (bounded)."""

    def __init__(self, name: str = "skillcoach-traces", interval: float = INTERVAL) -> None:
        self.name, self.interval = name, interval
        self._jobs: deque[Job] = deque()
        self._busy = 0  # jobs taken but not finished
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, job: Job) -> None:
        """Queue ``job``; the turn that hands it over does not wait for it."""
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._work, daemon=True, name=self.name)
                    self._thread.start()
        self._jobs.append(job)

    def drain(self, timeout: float) -> bool:
        """Wait until every queued job has run, at most ``timeout`` seconds; False if some are still queued."""
        deadline = time.monotonic() + timeout
        with self._done:
            while self._jobs or self._busy:
                self._wake.set()
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._done.wait(min(left, self.interval))
        return True

    def _work(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            while self._jobs:
                self._busy = 1
                job = self._jobs.popleft()
                try:
                    job()
                except Exception:  # noqa: BLE001 - a trace that fails to build must not stop the ones after it
                    log.debug("A turn's trace could not be written.", exc_info=True)
                finally:
                    self._busy = 0
            with self._done:
                self._done.notify_all()
