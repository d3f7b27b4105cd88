"""Start many worker processes at once and collect what each reported (tests and bench share this)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from skillcoach.settings import REPO_ROOT


@dataclass
class Outcome:
    learner: str
    code: int
    report: dict[str, Any]
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0 and bool(self.report.get("ok"))


def run_workers(env: dict[str, str], learners: list[str], turns: int, timeout: float = 600) -> list[Outcome]:
    """Every learner's worker started together; waits for all of them."""
    full = {**os.environ, **env, "PYTHONPATH": str(REPO_ROOT)}
    procs = [(name, subprocess.Popen([sys.executable, "-m", "tests.concurrency_worker", name, str(turns)],
                                     cwd=REPO_ROOT, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)) for name in learners]
    outcomes = []
    for name, proc in procs:
        out, err = proc.communicate(timeout=timeout)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        outcomes.append(Outcome(name, proc.returncode, json.loads(lines[-1]) if lines else {}, err))
    return outcomes


def clear_line(outcome: Outcome) -> bool:
    """A failure reported as one line naming what to change, never a traceback."""
    return (outcome.code == 2 and bool(outcome.report.get("error")) and "Traceback" not in outcome.stderr
            and "\n" not in outcome.report["error"])
