"""``skillcoach worker``: a Celery worker for the weekly batch, on any machine reaching the database and broker."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from skillcoach.app.cli.app import app, settings


class PoolKind(StrEnum):
    """Celery's execution pools that ``skillcoach worker`` offers."""

    prefork = "prefork"
    solo = "solo"
    threads = "threads"


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Chunks planned at once (one per core).")] = 1,
    pool: Annotated[PoolKind, typer.Option(help="prefork (processes), solo (this process) or threads.")] =
    PoolKind.prefork,
    name: Annotated[str | None, typer.Option(help="Celery node name (default: skillcoach-PID@HOST).")] = None,
    loglevel: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
) -> None:
    """Plan the chunks that 'plan weekly --all --distributed' enqueues (needs the distributed extra)."""
    from skillcoach.app.weekly.distributed import start_worker

    start_worker(settings(), concurrency=concurrency, pool=pool.value, name=name, loglevel=loglevel.upper())
