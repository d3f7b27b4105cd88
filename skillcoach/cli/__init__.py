"""The ``skillcoach`` command (Typer). Heavy imports stay inside commands so --help is fast."""

from __future__ import annotations

import sys

from skillcoach.cli.app import app
from skillcoach.cli.errors import run_friendly


def main() -> None:
    sys.exit(run_friendly(app))
