"""bench.sessions' core: N learner threads through one Coach give figures that add up (not a timed test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scripted import offline_settings
from bench.sessions import Figures, main, measure

pytestmark = pytest.mark.integration


def test_two_sessions_of_three_turns_give_sane_figures(tmp_path: Path) -> None:
    figures = measure(offline_settings(tmp_path), sessions=2, turns=3)
    assert figures.errors == []
    assert figures.sessions == 2 and figures.turns == 6 and len(figures.latencies) == 6
    assert 0 < figures.p50 <= figures.p95 <= max(figures.latencies)
    assert figures.seconds > 0 and figures.turns_per_second == pytest.approx(6 / figures.seconds)
    assert figures.cpu_seconds > 0 and figures.cpu_per_turn == pytest.approx(figures.cpu_seconds / 6)
    assert figures.db_seconds > 0, "every turn writes its attempt and its checkpoint"
    assert figures.db_per_turn == pytest.approx(figures.db_seconds / 6)
    assert figures.pool_wait_seconds == 0  # SQLite: no pool to wait for


def test_a_learner_that_fails_is_reported_and_the_others_go_on(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import scripted

    calls = {"n": 0}
    real_turn = scripted.ScriptedLearner.turn

    def turn(self: scripted.ScriptedLearner) -> float:
        calls["n"] += 1
        if self.learner_id.endswith("-1") and calls["n"] > 2:  # learner 1 fails after the warm-up turns
            raise RuntimeError("database went away\nsecond line")
        return real_turn(self)

    monkeypatch.setattr(scripted.ScriptedLearner, "turn", turn)
    figures = measure(offline_settings(tmp_path), sessions=2, turns=3)
    assert figures.turns == 3 and figures.errors == ["bench-session-1: RuntimeError: database went away"]


def test_bad_arguments_are_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--sessions", "0"])
    assert done.value.code == 2 and "at least 1" in capsys.readouterr().err


def test_an_empty_run_has_no_percentiles_rather_than_a_crash() -> None:
    empty = Figures(sessions=4)
    assert empty.turns_per_second == 0 and empty.p95 != empty.p95  # NaN


@pytest.mark.postgres
def test_onpostgres_pool_waits_are_counted_and_the_pool_is_left_as_found(tmp_path: Path) -> None:
    from bench.sessions import postgres_pool
    from tests.postgres_db import fresh_database

    with fresh_database("bench_sessions") as url:
        settings = offline_settings(tmp_path).model_copy(update={"database_url": url})
        figures = measure(settings, sessions=2, turns=2)
        pool = postgres_pool(settings)
        assert "getconn" not in vars(pool), "the timing wrapper is removed after the run"
    assert figures.errors == [] and figures.turns == 4
    assert figures.pool_wait_seconds > 0, "every transaction and checkpoint borrows a pooled connection"
    assert figures.db_seconds >= figures.pool_wait_seconds
