"""Running the weekly batch on a cron schedule (APScheduler 3), logging every run.

The week is worked out when the job fires, not when the scheduler starts, so a process
that runs for months plans the right week each Monday.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from skillcoach.errors import SkillcoachError
from skillcoach.learner.review import utcnow
from skillcoach.planning.weeks import iso_week
from skillcoach.settings import Settings

if TYPE_CHECKING:
    from skillcoach.app.weekly.batch import BatchReport
    from skillcoach.app.weekly.distributed import DistributedReport

DEFAULT_CRON = "0 6 * * mon"  # Mondays at 06:00
JOB_ID = "weekly-plans"
MISFIRE_GRACE_SECONDS = 3600  # a run missed while the machine slept still happens within the hour

log = logging.getLogger("skillcoach.app.weekly.schedule")


class InvalidSchedule(SkillcoachError, ValueError):
    """Raised when a cron schedule or timezone for the weekly batch is not valid."""

    pass


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """A trigger for a five-field crontab expression ('minute hour day month weekday')."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSchedule(f"unknown time zone {timezone!r}: use an IANA name like UTC or Europe/Berlin") from None
    try:
        trigger = CronTrigger.from_crontab(expression, timezone=zone)
    except ValueError as exc:
        raise InvalidSchedule(f"bad cron expression {expression!r}: {exc} "
                              "(five fields: minute hour day month weekday, e.g. '0 6 * * mon')") from None
    if trigger.get_next_fire_time(None, datetime.now(zone)) is None:
        raise InvalidSchedule(f"cron expression {expression!r} never fires (a day that month does not have?)")
    return trigger


def weekly_run(settings: Settings, *, workers: int = 1, zone: tzinfo = UTC,
               clock: Callable[[], datetime] = utcnow, distributed: bool = False) -> BatchReport | DistributedReport:
    """One scheduled run: every learner's plan for the current week; logged from start to finish.

    The week is the one it is in ``zone`` (the schedule's time zone), so a run at Monday 06:00
    in Tokyo plans that Monday's week although it is still Sunday in UTC. ``distributed``: the
    learners are enqueued for the Celery workers instead of planned here.
    """
    from skillcoach.app.weekly.pool import run_weekly  # the graph stack loads when a run fires
    from skillcoach.storage.learners import learner_ids
    from skillcoach.storage.store import Store

    week = iso_week(clock().astimezone(zone))  # when the run fires, not when the scheduler started
    log.info("weekly run %s: started%s", week, " on the Celery workers" if distributed else "")
    learners = learner_ids(Store(settings.resolved_database_url))
    report: BatchReport | DistributedReport
    if distributed:
        from skillcoach.app.weekly.distributed import run_distributed

        report = run_distributed(settings, week, learners)
    else:
        report = run_weekly(settings, week, learners, workers=workers)
    for outcome in report.failed:
        log.warning("weekly run %s: %s failed: %s", week, outcome.learner_id, outcome.message)
    log.info("weekly run %s: finished: %d planned, %d already planned, %d with nothing to plan, %d failed",
             week, report.count("planned"), report.count("exists"), report.count("nothing"), report.count("failed"))
    return report


def fleet_run(settings: Settings, *, workers: int = 1, zone: tzinfo = UTC, clock: Callable[[], datetime] = utcnow,
              distributed: bool = False, holder: str | None = None) -> BatchReport | DistributedReport | None:
    """``weekly_run`` by the one scheduler of a fleet that claims the week; None (logged) for the others.

    The claim is a row unique on (job, week) in the shared database: however many schedulers fire,
    and however skewed their clocks, one inserts it and runs the batch. A run that fails drops its
    claim, so a scheduler restarted that week can try again (the batch itself is idempotent).
    """
    from skillcoach.storage.claims import claim, claim_of, finish, release
    from skillcoach.storage.store import Store

    store = Store(settings.resolved_database_url)
    week = iso_week(clock().astimezone(zone))
    holder = holder or f"{socket.gethostname()}:{os.getpid()}"
    if not claim(store, JOB_ID, week, holder[:200], clock()):
        current = claim_of(store, JOB_ID, week)
        log.info("weekly run %s: skipped, claimed by %s", week, current.holder if current else "another scheduler")
        return None
    try:
        report = weekly_run(settings, workers=workers, zone=zone, clock=clock, distributed=distributed)
    except BaseException:
        release(store, JOB_ID, week)
        raise
    finish(store, JOB_ID, week, clock())
    return report


def logged(job: Callable[[], Any]) -> Callable[[], None]:
    """The job, with an error logged as one line instead of ending the schedule."""

    def run() -> None:
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - the next run may well succeed; say what went wrong
            log.error("weekly run failed: %s: %s", type(exc).__name__, exc)

    return run


def make_scheduler(job: Callable[[], Any], trigger: BaseTrigger, *, blocking: bool = True) -> BaseScheduler:
    """A scheduler with the one job; ``start()`` it (a blocking one runs until interrupted)."""
    scheduler: BaseScheduler = BlockingScheduler() if blocking else BackgroundScheduler()
    scheduler.add_job(logged(job), trigger, id=JOB_ID, name="weekly plans", coalesce=True, max_instances=1,
                      misfire_grace_time=MISFIRE_GRACE_SECONDS)
    return scheduler
