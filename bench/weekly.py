"""Benchmark: weekly plans for many learners with varied progress, offline, on a fresh SQLite file.

``run(quick)`` returns two figures: learners planned per second (the goal is 300/s on two cores)
and the peak resident memory. Quick mode plans 300 learners in this process; the full run plans
10,000 in two worker processes, their start-up included. Setting up the learners is not timed;
the batch run (graph, tool, reads, writes) is.
"""

from __future__ import annotations

import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from bench import Row, figure, scratch_dir
from bench.bulk import insert_rows
from skillcoach.app.weekly.batch import BatchReport, WeeklyBatch
from skillcoach.app.weekly.pool import run_weekly
from skillcoach.curriculum.catalog import Curriculum, load_curriculum
from skillcoach.learner import review
from skillcoach.learner.profile import WEEKDAYS
from skillcoach.planning.weeks import parse_week
from skillcoach.settings import Settings
from skillcoach.storage.learners import learner_ids
from skillcoach.storage.models import Base, Learner, ObjectiveState, ReviewCard
from skillcoach.storage.store import Store

WEEK = "2026-W48"
GOAL_LEARNERS_PER_SECOND = 300
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo")
SEED = 48
WORKERS = 2  # the goal is set for two cores
INSERT_EVERY = 1000  # learners per transaction, so setting up does not dominate the memory peak


def run(quick: bool = False) -> list[Row]:
    count = 300 if quick else 10_000
    workers = 1 if quick else WORKERS
    with scratch_dir("weekly") as tmp:
        settings = Settings(data_dir=Path(tmp))
        store = Store(settings.resolved_database_url)
        populate(store, load_curriculum(settings.curriculum_dir, settings.locale), count)
        report, elapsed = _timed_run(settings, store, workers)
    outcomes = (f"{report.count('planned')} planned, {report.count('nothing')} with nothing to plan, "
                f"{report.count('failed')} failed")
    goal = None if quick else f">= {GOAL_LEARNERS_PER_SECOND}"  # set for 10,000 learners on two cores
    return [
        figure(f"weekly plans, {count:,} learners, {workers} process{'es' if workers > 1 else ''}",
               round(count / elapsed, 1), "learners/s", goal,
               detail=f"{elapsed:.1f} s; {outcomes}; SQLite file on disk"),
        figure("weekly plans: peak resident memory of the largest process", round(peak_rss_mib(), 1), "MiB",
               detail="the larger of this process (setting up included) and the worker processes"),
    ]


def _timed_run(settings: Settings, store: Store, workers: int) -> tuple[BatchReport, float]:
    """The batch run and its seconds; with workers, their start-up counts (a real run pays it too)."""
    learners = learner_ids(store)
    if workers == 1:
        with WeeklyBatch(settings, store=store) as batch:
            started = time.perf_counter()
            report = batch.run(WEEK, learners)
            return report, time.perf_counter() - started
    started = time.perf_counter()
    report = run_weekly(settings, WEEK, learners, workers=workers)
    return report, time.perf_counter() - started


def populate(store: Store, curriculum: Curriculum, count: int) -> None:
    """Learners with varied budgets, goals, days, zones and progress, inserted in bulk."""
    rng = random.Random(SEED)
    monday = datetime.combine(parse_week(WEEK)[0], datetime.min.time(), UTC)
    for first in range(0, count, INSERT_EVERY):
        rows: dict[type[Base], list[dict[str, Any]]] = {Learner: [], ObjectiveState: [], ReviewCard: []}
        for n in range(first, min(count, first + INSERT_EVERY)):
            learner_id = f"learner-{n:05d}"
            rows[Learner].append(_learner(rng, learner_id, curriculum, monday))
            _progress(rng, learner_id, curriculum, monday, rows)
        with store.transaction() as db:
            for model, values in rows.items():
                insert_rows(db, model.__table__, values)


def _learner(rng: random.Random, learner_id: str, curriculum: Curriculum, now: datetime) -> dict[str, Any]:
    skills = [s.id for s in curriculum.skills]
    goals = rng.sample(skills, rng.choice((0, 0, 1, 1, 2, 3)))
    days = sorted(rng.sample(WEEKDAYS, rng.choice((0, 1, 2, 3, 4, 5))), key=WEEKDAYS.index)
    return {"id": learner_id, "name": learner_id, "weekly_minutes": rng.choice((30, 60, 90, 120, 180, 300)),
            "goals": goals, "days": days, "timezone": rng.choice(ZONES), "created_at": now}


def _progress(rng: random.Random, learner_id: str, curriculum: Curriculum, monday: datetime,
              rows: dict[type[Base], list[dict[str, Any]]]) -> None:
    """A prefix of the teaching order mastered (some learners all of it), one objective half-learned."""
    order = curriculum.order
    mastered = rng.choice((0, rng.randrange(len(order)), rng.randrange(len(order)), len(order)))
    for oid in order[:mastered]:
        days_ago = rng.randrange(1, 120)
        at = monday - timedelta(days=days_ago)
        rows[ObjectiveState].append({"learner_id": learner_id, "objective_id": oid, "p_mastery": 0.97,
                                     "responses": 4, "items": [f"{oid}/q1", f"{oid}/q2"], "mastered_at": at,
                                     "updated_at": at})
        card = _card(oid, days_ago, monday)
        rows[ReviewCard].append({"learner_id": learner_id, "objective_id": oid, "card": card,
                                 "due": review.due_at(card)})
    if mastered < len(order):
        rows[ObjectiveState].append({"learner_id": learner_id, "objective_id": order[mastered],
                                     "p_mastery": rng.uniform(0.3, 0.8), "responses": 2, "items": [],
                                     "mastered_at": None, "updated_at": monday})


@cache
def _card(objective_id: str, days_ago: int, monday: datetime) -> dict[str, Any]:
    return review.new_card("bench", objective_id, monday - timedelta(days=days_ago))


def peak_rss_mib() -> float:
    """The largest resident set of this process and its (finished) workers."""
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
