"""``skillcoach plan weekly|show`` and ``skillcoach schedule``: weekly plans, made in a batch or on a cron."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import app, plan_app, settings
from skillcoach.app.cli.errors import UserError

WEEK = Annotated[str | None, typer.Option(help="ISO week like 2026-W48 [the current week].")]
WORKERS = Annotated[int, typer.Option(min=1, max=32, help="Processes to plan with (one per core is a good start).")]
DISTRIBUTED = Annotated[bool, typer.Option("--distributed", help="Enqueue on the Celery broker for "
                                           "'skillcoach worker' processes to plan (the distributed extra).")]
CHUNK_SIZE = Annotated[int | None, typer.Option(min=1, max=10000, help="Learners per Celery task "
                                                "[SKILLCOACH_WEEKLY_CHUNK_SIZE, 200].")]


class PlanFormat(StrEnum):
    """The formats ``plan show`` writes a plan in: Markdown, JSON or an iCalendar file."""

    md = "md"
    json = "json"
    ics = "ics"


@plan_app.command("weekly")
def weekly(
    all_learners: Annotated[bool, typer.Option("--all", help="Plan every learner.")] = False,
    learner: Annotated[str | None, typer.Option("--learner", "-l", help="Plan this learner only.")] = None,
    week: WEEK = None,
    force: Annotated[bool, typer.Option("--force", help="Plan again, replacing plans already made.")] = False,
    workers: WORKERS = 1,
    distributed: DISTRIBUTED = False,
    chunk_size: CHUNK_SIZE = None,
) -> None:
    """Make the week's plan for each learner; learners already planned are skipped. Exit 1 if any failed."""
    from skillcoach.storage.learners import get_profile, learner_ids
    from skillcoach.storage.store import Store

    if all_learners == (learner is not None):
        raise UserError("say whom to plan: --all or --learner ID (one of the two)")
    week = _week(week)
    conf = settings()
    store = Store(conf.resolved_database_url)
    learners = learner_ids(store) if all_learners or learner is None else [get_profile(store, learner).id]
    _refuse_past_week(week, force)
    if not learners:
        typer.echo("No learners yet: add some with 'skillcoach learner import FILE.csv'.")
        return
    if distributed:
        report = _run_distributed(conf, week, learners, force, chunk_size)
    else:
        report = _run_with_progress(conf, week, learners, force, workers)
    _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


def _run_with_progress(conf: Any, week: str, learners: list[str], force: bool, workers: int) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from skillcoach.app.weekly.pool import run_weekly

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(f"planning {week}", total=len(learners))
        return run_weekly(conf, week, learners, force=force, workers=workers,
                          on_outcome=lambda _: progress.advance(task))


def _run_distributed(conf: Any, week: str, learners: list[str], force: bool, chunk_size: int | None) -> Any:
    """Enqueue the learners in chunks; a bar with planned and failed counts as the workers report."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from skillcoach.app.weekly.distributed import run_distributed

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[planned]} planned, {task.fields[failed]} failed"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        # Until a chunk comes back, say what is awaited: with no worker running the bar would just sit there.
        task = progress.add_task(f"{week}: enqueued, waiting for 'skillcoach worker' processes", total=len(learners),
                                 planned=0, failed=0)

        def show(report: Any) -> None:
            progress.update(task, description=f"planning {week} on the workers", completed=report.done,
                            planned=report.count("planned"), failed=report.count("failed"))

        return run_distributed(conf, week, learners, force=force, chunk_size=chunk_size, on_chunk=show)


def _print_report(report: Any) -> None:
    for outcome in report.outcomes:
        if outcome.status in ("failed", "nothing"):
            label = "failed" if outcome.status == "failed" else "nothing to plan"
            typer.echo(f"{label}: {outcome.learner_id}: {outcome.message}", err=True)
    typer.echo(f"{report.week}: {report.count('planned')} planned, {report.count('exists')} already planned, "
               f"{report.count('nothing')} with nothing to plan, {report.count('failed')} failed")


@plan_app.command("show")
def show(
    learner: Annotated[str, typer.Option("--learner", "-l", help="Learner id.")],
    week: WEEK = None,
    fmt: Annotated[PlanFormat, typer.Option("--format", help="md, json or ics (iCalendar).")] = PlanFormat.md,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead.")] = None,
) -> None:
    """Show a learner's plan for a week: Markdown, JSON, or an iCalendar file with one event per block."""
    from skillcoach.planning.export import plan_ics, plan_markdown
    from skillcoach.storage.learners import get_profile
    from skillcoach.storage.plans import get_plan
    from skillcoach.storage.store import Store

    week = _week(week)
    store = Store(settings().resolved_database_url)
    get_profile(store, learner)  # an unknown learner is told so, not that they have no plan
    stored = get_plan(store, learner, week)
    if stored is None:
        raise UserError(f"no plan for {learner} in {week}: make it with "
                        f"'skillcoach plan weekly --learner {learner} --week {week}'")
    if fmt is PlanFormat.ics:
        data = plan_ics(stored.plan, stored.narrative, stored.created_at)
    elif fmt is PlanFormat.json:
        data = json.dumps({"learner_id": learner, "week": week, "created_at": stored.created_at.isoformat(),
                           "narrative": stored.narrative, "plan": stored.plan}, indent=2, ensure_ascii=False).encode()
    else:
        data = plan_markdown(stored.plan, stored.narrative).encode()
    _write(data, output)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"wrote {output}", err=True)


def _refuse_past_week(week: str, force: bool) -> None:
    """A week that is over everywhere on Earth (UTC-12) is planned only with --force."""
    from datetime import UTC, timedelta

    from skillcoach.learner.review import utcnow
    from skillcoach.planning.weeks import parse_week

    _, sunday = parse_week(week)
    ended = datetime.combine(sunday + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=12)
    if utcnow() >= ended and not force:
        raise UserError(f"week {week} is over (it ended on {sunday:%a %d %b %Y}): add --force to plan it anyway, "
                        "or leave out --week for the current week")


def _week(week: str | None) -> str:
    from skillcoach.learner.review import utcnow
    from skillcoach.planning.weeks import iso_week, parse_week

    if week is None:
        return iso_week(utcnow())  # in UTC, as the scheduled run and the interactive session see it
    parse_week(week)
    return week.strip()


@app.command()
def schedule(
    cron: Annotated[str, typer.Option(help="When to run, as a crontab expression.")] = "0 6 * * mon",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron expression.")] = "UTC",
    log_file: Annotated[Path | None, typer.Option(help="Also append the log to this file.")] = None,
    workers: WORKERS = 1,
    distributed: DISTRIBUTED = False,
) -> None:
    """Run 'plan weekly --all' on a cron schedule (default Mondays 06:00 UTC) until stopped.

    Several schedulers may run on one database (one per machine, for availability): each week's
    run is claimed in the database, so it happens once.
    """
    from skillcoach.app.weekly.schedule import cron_trigger, fleet_run, log, make_scheduler

    trigger = cron_trigger(cron, timezone)
    _configure_logging(log_file)
    conf = settings()
    scheduler = make_scheduler(lambda: fleet_run(conf, workers=workers, zone=trigger.timezone,
                                                 distributed=distributed), trigger)
    first = trigger.get_next_fire_time(None, datetime.now(trigger.timezone))
    log.info("weekly plans scheduled on '%s' (%s); next run %s; stop with Ctrl-C", cron, timezone,
             f"{first:%a %Y-%m-%d %H:%M %Z}")
    scheduler.start()


def _configure_logging(log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        try:
            handlers.append(logging.FileHandler(log_file))
        except OSError as exc:
            raise UserError(f"cannot write the log file {log_file}: {exc.strerror}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        handlers=handlers)
