"""The ``skillcoach`` command (Typer). Heavy imports stay inside commands so --help is fast."""

from __future__ import annotations

import sys

from skillcoach.app.cli.app import app
from skillcoach.app.cli.errors import run_friendly


def main() -> None:
    sys.exit(run_friendly(app))
