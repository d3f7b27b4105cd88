"""Memory: peak RSS of one 50-turn session, and of 20 sessions open at once in one process.

Each scenario runs in a fresh child process (``python -m bench.memory SCENARIO TURNS``), so
its peak resident set is its own: interpreter, libraries, the opened Coach, and the sessions.
The 20 sessions are interleaved turn by turn in one thread (20 learners mid-session together).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

from bench import Row, figure, scratch_dir

TURNS = 50
CONCURRENT = 20
CHILD_TIMEOUT = 600


def rss_mb() -> float:
    """The resident set now (Linux /proc), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def scenario(sessions: int, turns: int) -> dict[str, float]:
    """Run ``sessions`` learners for ``turns`` turns each, interleaved; RSS after opening and at peak."""
    from bench.scripted import ScriptedLearner, offline_settings  # the parent only starts children
    from skillcoach.app.api import Coach

    with scratch_dir("memory") as tmp, Coach(offline_settings(tmp)) as coach:
        opened = rss_mb()
        learners = [ScriptedLearner(coach, f"bench-mem-{n}", seed=n) for n in range(sessions)]
        for _ in range(turns):
            for learner in learners:
                learner.turn()
        return {"opened_mb": opened, "peak_mb": peak_rss_mb()}


def in_children(*scenarios: tuple[int, int]) -> list[dict[str, float]]:
    """Each scenario in its own child process, side by side (peak RSS is per process)."""
    children = [subprocess.Popen([sys.executable, "-m", "bench.memory", str(sessions), str(turns)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for sessions, turns in scenarios]
    results = []
    for child in children:
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
        if child.returncode != 0:
            raise RuntimeError(f"memory scenario failed: {err.strip()[-500:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def run(quick: bool) -> list[Row]:
    turns = 10 if quick else TURNS
    single, many = in_children((1, turns), (CONCURRENT, turns))
    return [
        figure(f"Peak RSS, one {turns}-turn session", single["peak_mb"], "MiB",
               detail=f"{single['opened_mb']:.0f} MiB once the Coach is open"),
        figure(f"Peak RSS, {CONCURRENT} concurrent sessions", many["peak_mb"], "MiB",
               detail=f"{turns} turns each, interleaved in one process"),
        figure("RSS per extra concurrent session", (many["peak_mb"] - single["peak_mb"]) / (CONCURRENT - 1), "MiB",
               detail="(20 sessions - 1 session) / 19"),
    ]


if __name__ == "__main__":
    print(json.dumps(scenario(int(sys.argv[1]), int(sys.argv[2]))))
