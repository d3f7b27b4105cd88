"""Start many worker processes at once and collect what each reported (tests and bench share this).

The workers are real OS processes with their own connections, started together. They are forked from a
``multiprocessing`` fork server that imported the coach once, so a worker costs one session rather than
one interpreter start plus two seconds of imports (64 workers in the suite: about 100 s of CPU saved).
The fork server holds no threads, connections or settings: each worker gets the caller's environment
and opens everything itself.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["tests.concurrency_worker"])


@dataclass
class Outcome:
    learner: str
    code: int
    report: dict[str, Any]
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0 and bool(self.report.get("ok"))


def _worker(environ: dict[str, str], learner: str, turns: int, out: str, err: str) -> None:
    """One worker: the caller's environment, output to files, then the worker's main as a process would run it."""
    os.environ.clear()
    os.environ.update(environ)
    for fd, path in ((1, out), (2, err)):  # whatever it prints, tracebacks included, is read back by the caller
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(handle, fd)
        os.close(handle)
    from tests.concurrency_worker import main  # preloaded by the fork server: no import cost here

    sys.exit(main(learner, turns))


def run_workers(env: dict[str, str], learners: list[str], turns: int, timeout: float = 600) -> list[Outcome]:
    """Every learner's worker started together; waits for all of them."""
    environ = {**os.environ, **env}
    with tempfile.TemporaryDirectory(prefix="skillcoach-workers-") as folder:
        files = {name: (Path(folder, f"{name}.out"), Path(folder, f"{name}.err")) for name in learners}
        procs = [(name, _CONTEXT.Process(target=_worker, args=(environ, name, turns, *map(str, files[name]))))
                 for name in learners]
        for _, proc in procs:
            proc.start()
        return [_collect(name, proc, *files[name], timeout) for name, proc in procs]


def _collect(name: str, proc: Any, out: Path, err: Path, timeout: float) -> Outcome:
    """Wait for one worker (killing it past the timeout) and read what it reported."""
    proc.join(timeout)
    if proc.exitcode is None:
        proc.kill()
        proc.join()
    lines = [line for line in _read(out).splitlines() if line.startswith("{")]
    return Outcome(name, proc.exitcode, json.loads(lines[-1]) if lines else {}, _read(err))


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def clear_line(outcome: Outcome) -> bool:
    """A failure reported as one line naming what to change, never a traceback."""
    return (outcome.code == 2 and bool(outcome.report.get("error")) and "Traceback" not in outcome.stderr
            and "\n" not in outcome.report["error"])
