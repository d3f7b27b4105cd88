"""The Langfuse flush at exit is bounded on the whole process, not just on a function call: a host that
accepts and never answers, or nothing listening at all, holds ``skillcoach chat`` at most FLUSH_SECONDS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skillcoach.tracing.langfuse_tracer import FLUSH_SECONDS

pytestmark = pytest.mark.integration
SLACK = 2.0  # interpreter and machine noise on a shared CI box


def _exit_seconds(data_dir: Path, langfuse_url: str | None) -> float:
    """Seconds from the coach's last line ("Input closed ...") to the end of the process."""
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(data_dir)}
    if langfuse_url:
        env.update(LANGFUSE_PUBLIC_KEY="pk-lf-exit", LANGFUSE_SECRET_KEY="sk-lf-exit", LANGFUSE_BASE_URL=langfuse_url)
    # Input closes at once: the first turn runs (spans to export), then the process saves and exits.
    proc = subprocess.Popen([sys.executable, "-m", "skillcoach", "chat", "--learner", "ada", "--new-learner",
                             "--jsonl"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    last_line_at = None
    for line in iter(proc.stdout.readline, ""):
        if "Input closed" in line:
            last_line_at = time.monotonic()
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert last_line_at is not None, "the coach said it saved the session"
    return time.monotonic() - last_line_at


def test_exit_is_bounded_when_langfuse_hangs_or_is_absent(tmp_path: Path) -> None:
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(64)  # the kernel accepts connections; nobody ever reads or answers
    try:
        hung = _exit_seconds(tmp_path / "hang", f"http://127.0.0.1:{hanging.getsockname()[1]}")
    finally:
        hanging.close()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens on this port now
    absent = _exit_seconds(tmp_path / "absent", f"http://127.0.0.1:{port}")
    assert hung < FLUSH_SECONDS + SLACK, f"hanging Langfuse held the exit {hung:.1f} s"
    assert absent < FLUSH_SECONDS + SLACK, f"absent Langfuse held the exit {absent:.1f} s"
