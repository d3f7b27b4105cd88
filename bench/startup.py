"""Start-up: ``skillcoach --help``, and launching ``chat --jsonl`` until its first event.

Each figure is the median of several launches of the installed console script, with a
clean environment (offline engine, no Langfuse keys). The first-event launches use a fresh
data dir each time (the schema is created then, as on a learner's first run); the warm
figure launches again on a data dir that already holds the learner's open session.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import Row, figure, scratch_dir

GOAL_HELP = "<= 0.5"
GOAL_FIRST_EVENT = "<= 2.0"  # issue #18
FIRST_EVENT_TIMEOUT = 60


def executable() -> list[str]:
    """The console script next to this interpreter (no shims in between), else ``python -m skillcoach``."""
    beside = Path(sys.executable).with_name("skillcoach")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("skillcoach")
    return [found] if found else [sys.executable, "-m", "skillcoach"]


def clean_env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGFUSE_", "SKILLCOACH_"))}
    env.update(SKILLCOACH_MODEL="offline", SKILLCOACH_DATA_DIR=data_dir)
    return env


def help_seconds(data_dir: str) -> float:
    started = time.perf_counter()
    subprocess.run([*executable(), "--help"], env=clean_env(data_dir), check=True, capture_output=True,
                   timeout=FIRST_EVENT_TIMEOUT)
    return time.perf_counter() - started


def first_event_seconds(data_dir: str) -> float:
    """Seconds from launching ``chat --jsonl`` to its first line on stdout."""
    command = [*executable(), "chat", "--learner", "bench-startup", "--new-learner", "--jsonl"]
    started = time.perf_counter()
    with subprocess.Popen(command, env=clean_env(data_dir), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        elapsed = time.perf_counter() - started
        _, stderr = child.communicate(timeout=FIRST_EVENT_TIMEOUT)  # closes its input: the session is kept
    if not line.startswith("{"):
        raise RuntimeError(f"chat --jsonl wrote no event (exit {child.returncode}): {stderr.strip()[-300:]}")
    return elapsed


def run(quick: bool) -> list[Row]:
    helps, chats = (3, 1) if quick else (10, 10)
    with scratch_dir("startup") as tmp:
        help_times = [help_seconds(tmp) for _ in range(helps)]
        cold = [first_event_seconds(str(Path(tmp) / f"fresh-{n}")) for n in range(chats)]
        warm = [first_event_seconds(str(Path(tmp) / "fresh-0")) for _ in range(chats)]
    return [
        figure("skillcoach --help", statistics.median(help_times), "s", GOAL_HELP, detail=_median_of(helps)),
        figure("chat --jsonl to first event, fresh data dir", statistics.median(cold), "s", GOAL_FIRST_EVENT,
               detail=_median_of(chats)),
        figure("chat --jsonl to first event, resuming", statistics.median(warm), "s", GOAL_FIRST_EVENT,
               detail=_median_of(chats)),
    ]


def _median_of(launches: int) -> str:
    return f"median of {launches} launches" if launches > 1 else "1 launch"
