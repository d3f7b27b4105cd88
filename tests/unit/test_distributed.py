"""The weekly batch on Celery, in this process: the chunk task, its results, the enqueuing, no Celery unless asked."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from skillcoach.app.weekly import distributed
from skillcoach.app.weekly.batch import BatchReport, Outcome
from skillcoach.app.weekly.distributed import (
    MAX_DELIVERIES,
    TASK,
    DistributedReport,
    DistributedUnavailable,
    chunks,
    make_celery,
    prepare_results,
    run_distributed,
    worker_argv,
)
from skillcoach.learner.review import utcnow
from skillcoach.settings import Settings
from skillcoach.storage.learners import LearnerUpdate, upsert_learners
from skillcoach.storage.plans import planned_learners
from skillcoach.storage.store import Store
from tests.plan_helpers import cli

WEEK = "2030-W48"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    conf = Settings(data_dir=tmp_path / "data", broker_url="memory://", result_backend="cache+memory://")
    store = Store(conf.resolved_database_url)
    upsert_learners(store, [LearnerUpdate(f"l{n}", {}) for n in range(4)], utcnow())
    return conf


def run_chunk(app: Any, learners: list[str]) -> dict[str, Any]:
    return app.tasks[TASK].apply(args=(WEEK, learners, False)).get()  # type: ignore[no-any-return]


def test_chunks_cover_every_learner_once_in_order() -> None:
    learners = [f"l{n}" for n in range(7)]
    parts = list(chunks(learners, 3))
    assert [len(p) for p in parts] == [3, 3, 1] and sum(parts, []) == learners


def test_a_chunk_delivered_twice_plans_nothing_twice(settings: Settings) -> None:
    app = make_celery(settings)
    first = run_chunk(app, ["l0", "l1", "l2", "l3"])
    again = run_chunk(app, ["l0", "l1", "l2", "l3"])  # as after a worker died before acknowledging it
    assert first["counts"] == {"planned": 4, "exists": 0, "nothing": 0, "failed": 0}
    assert again["counts"] == {"planned": 0, "exists": 4, "nothing": 0, "failed": 0}
    assert planned_learners(Store(settings.resolved_database_url), WEEK) == {"l0", "l1", "l2", "l3"}


def test_one_learners_failure_is_reported_and_the_chunk_goes_on(settings: Settings) -> None:
    result = run_chunk(make_celery(settings), ["l0", "nobody", "l1"])
    assert result["counts"]["planned"] == 2 and result["counts"]["failed"] == 1
    [(learner, status, message)] = result["notable"]
    assert (learner, status) == ("nobody", "failed") and "no learner 'nobody'" in message
    report = DistributedReport(WEEK)
    report.add(result)
    assert not report.ok and report.done == 3 and [o.learner_id for o in report.failed] == ["nobody"]


class WorkerDied(BaseException):
    """The worker process dying mid-chunk: nothing after it runs, the message is not acknowledged."""


class DyingBatch:
    """A batch whose first ``deaths`` runs take the worker process down, then plan nothing."""

    def __init__(self, deaths: int) -> None:
        self.deaths = deaths
        self.runs = 0

    def run(self, week: str, learners: list[str], force: bool = False) -> Any:
        self.runs += 1
        if self.runs <= self.deaths:
            raise WorkerDied
        return BatchReport(week, [Outcome(learner, "planned", "") for learner in learners])


def deliver(app: Any, task_id: str, learners: list[str]) -> dict[str, Any]:
    """The broker handing out the same message again: same task id, same attempt."""
    return app.tasks[TASK].apply(args=(WEEK, learners, False), task_id=task_id).get()  # type: ignore[no-any-return]


@pytest.fixture(params=["memory", "database"])
def backend_app(request: pytest.FixtureRequest, settings: Settings) -> Any:
    """The Celery app with its results in memory, or in the SQLite database as by default."""
    backend = "cache+memory://" if request.param == "memory" else ""
    app = make_celery(settings.model_copy(update={"result_backend": backend}))
    prepare_results(app)
    return app


def test_a_chunk_that_kills_its_worker_every_time_is_given_up_and_its_learners_reported(
        backend_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = str(uuid.uuid4())  # the in-memory backend outlives the test
    batch = DyingBatch(deaths=100)
    monkeypatch.setattr(distributed, "worker_batch", lambda settings: batch)
    for _ in range(MAX_DELIVERIES):
        with pytest.raises(WorkerDied):
            deliver(backend_app, task_id, ["l0", "l1"])
    result = deliver(backend_app, task_id, ["l0", "l1"])
    assert batch.runs == MAX_DELIVERIES, "the poison chunk was run again after its last allowed delivery"
    report = DistributedReport(WEEK)
    report.add(result)
    assert [o.learner_id for o in report.failed] == ["l0", "l1"] and report.count("failed") == 2
    assert f"given up after {MAX_DELIVERIES} deliveries" in report.failed[0].message


def test_a_chunk_whose_worker_died_fewer_times_is_planned(backend_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = str(uuid.uuid4())  # the in-memory backend outlives the test
    batch = DyingBatch(deaths=MAX_DELIVERIES - 1)
    monkeypatch.setattr(distributed, "worker_batch", lambda settings: batch)
    for _ in range(MAX_DELIVERIES - 1):
        with pytest.raises(WorkerDied):
            deliver(backend_app, task_id, ["l0", "l1"])
    result = deliver(backend_app, task_id, ["l0", "l1"])
    assert batch.runs == MAX_DELIVERIES and result["counts"] == {"planned": 2, "exists": 0, "nothing": 0, "failed": 0}


def test_the_app_acknowledges_late_and_takes_one_chunk_at_a_time(settings: Settings) -> None:
    conf = make_celery(settings).conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost and conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] == settings.broker_visibility_timeout
    assert conf.task_default_queue == "skillcoach-weekly"
    assert make_celery(Settings(database_url="sqlite:////x/y.db")).conf.result_backend == "db+sqlite:////x/y.db"
    assert "--queues=skillcoach-weekly" in worker_argv(queue="skillcoach-weekly", concurrency=2, pool="solo",
                                                       name=None, loglevel="INFO")


@pytest.mark.parametrize("visibility", [5.0, 3600.0])
def test_redis_sweeps_for_a_dead_workers_chunk_within_the_visibility_timeout(settings: Settings,
                                                                             visibility: float) -> None:
    options = make_celery(settings.model_copy(update={"broker_visibility_timeout": visibility})).conf
    transport = options.broker_transport_options
    sweep = transport["unacked_restore_interval"] * transport["unacked_restore_throttle"]
    assert transport["visibility_timeout"] == visibility
    assert sweep <= max(visibility / 2, 1.0) and sweep <= 10.0, "kombu's default sweep is every 100 s"


def test_an_unreachable_broker_is_one_clear_error(settings: Settings) -> None:
    conf = settings.model_copy(update={"broker_url": "amqp://guest:secret@127.0.0.1:9//"})
    with pytest.raises(DistributedUnavailable, match=r"cannot enqueue on the broker amqp://guest@127.0.0.1:9//") as err:
        run_distributed(conf, WEEK, ["l0"], timeout=1)
    assert "secret" not in str(err.value)


def test_the_single_machine_path_needs_no_celery(settings: Settings, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "celery", None)  # importing it now fails, as when it is not installed
    done = cli(capsys, monkeypatch, settings.data_dir, "plan", "weekly", "--all", "--week", WEEK)
    assert done.code == 0 and f"{WEEK}: 4 planned" in done.out, done.err
    worker = cli(capsys, monkeypatch, settings.data_dir, "worker")
    assert worker.code != 0 and "pip install 'skillcoach[distributed]'" in worker.err
    assert len(worker.err.strip().splitlines()) == 1
