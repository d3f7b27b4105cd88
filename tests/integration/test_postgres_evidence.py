"""Migration 0003 on PostgreSQL: attempt details, disputes, provisional mastery, misconceptions, rebuild."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from tests.helpers import reply_for
from tests.integration.test_postgres import pg_url  # noqa: F401 - the fixture: a fresh database per test

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 18, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_evidence_disputes_and_rebuild_on_postgres(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    clock = Clock()
    with Coach(Settings(data_dir=tmp_path, database_url=pg_url), clock=clock) as coach:
        start = clock.now
        for day in range(4):  # day one's run is provisional; three later days' right answers confirm it
            clock.now = start + timedelta(days=day)
            session = coach.session("ada", minutes=8, new=True)
            session.start()
            turns = 0
            while not session.finished and turns < 100:
                turns += 1
                session.send(reply_for(coach.curriculum, session.pending))  # type: ignore[arg-type]
        attempts = coach.store.attempts(learner_id="ada")
        assert attempts and attempts[0].details["grader"] == "exact"  # type: ignore[index]
        assert coach.store.mastered("ada"), "provisional on day one, confirmed on a later day"
        stored = {oid: s for oid, s in coach.store.states("ada").items() if s.knowledge.responses}
        assert stored == coach.store.replayed_states("ada", coach.curriculum)
        disputed = coach.store.dispute(attempts[-1].id, coach.curriculum, clock.now)
        assert coach.store.disputes("ada")[0].id == attempts[-1].id
        assert disputed.knowledge.responses == stored[attempts[-1].objective_id].knowledge.responses - 1
        assert coach.evidence("ada", attempts[-1].objective_id)["attempts"][-1]["disputed"] is True
