"""The ``skillcoach`` command (Typer). Heavy imports stay inside commands so --help is fast."""

from __future__ import annotations

import sys

from skillcoach.app.cli.app import app
from skillcoach.app.cli.errors import run_friendly


def main() -> None:
    """Run the CLI and exit with its code; a user error prints one line, never a traceback."""
    code = run_friendly(app)
    if _langfuse_started():
        _exit_now(code)
    sys.exit(code)


def _langfuse_started() -> bool:
    tracer = sys.modules.get("skillcoach.tracing.langfuse_tracer")
    return tracer is not None and tracer.CLIENT_STARTED.is_set()


def _exit_now(code: int) -> None:
    """End the process without the Langfuse SDK's exit hooks.

    They flush again with no bound (a hanging host holds the exit for its full export timeout and
    retries). Coach.close() already flushed, bounded.
    """
    import logging
    import os

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
