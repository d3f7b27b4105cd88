"""A hanging model provider costs a turn at most its time budget, then the coach goes on offline."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from agents.model_budget import NOTICE, ModelUnavailable, TurnBudget
from skillcoach.app.api import Coach
from skillcoach.app.replay.engine import replay_session
from skillcoach.settings import Settings
from skillcoach.tracing.recording import TurnRecorder
from tests.helpers import reply_for
from tests.openai_stub import HangingOpenAIStub

pytestmark = pytest.mark.integration
BUDGET = 2.0


def test_a_hanging_provider_costs_one_budget_then_one_notice_and_offline_text(tmp_path: Path) -> None:
    with HangingOpenAIStub() as stub:
        settings = Settings(data_dir=tmp_path, model="openai:stub-model", model_base_url=stub.base_url,
                            model_api_key="not-a-real-key", model_turn_seconds=BUDGET)
        with Coach(settings) as coach:
            session = coach.session("ada", minutes=8)
            began = time.monotonic()
            events = session.start()
            first_turn = time.monotonic() - began
            calls_after_first_turn = stub.requests
            while not session.finished:
                events += session.send(reply_for(coach.curriculum, session.pending))
            session_id = session.id
    # Bounded by the budget, not by 15 s x 2 attempts; generous slack for a loaded machine.
    assert first_turn < BUDGET + 3, f"the first turn waited {first_turn:.1f} s"
    assert calls_after_first_turn == 1, "after the timeout the model is left alone: no second wait"
    assert [e["text"] for e in events if e["type"] == "notice"].count(NOTICE) == 1, "one notice per outage"
    lesson = next(e for e in events if e["type"] == "lesson")
    assert "stub model" not in lesson["text"] and lesson["text"], "the offline lesson is shown"
    assert events[-1]["type"] == "summary"
    assert replay_session(settings, session_id).identical, "the failed and skipped calls replay the same way"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_budget_skips_calls_when_spent_and_rests_after_a_failure() -> None:
    clock, recorder = FakeClock(), TurnRecorder()
    budget = TurnBudget(10, 60, recorder, clock)
    budget.begin_turn()
    assert budget.call("tutor", lambda: "fine") == "fine"
    clock.now += 11  # the turn's budget is spent: the next call is not made
    with pytest.raises(ModelUnavailable):
        budget.call("tutor", lambda: pytest.fail("must not be called"))
    assert budget.take_notice() and not budget.take_notice(), "one notice"
    clock.now += 30  # the next turn: the tutor's model still rests; the reviewer's is not affected
    budget.begin_turn()
    with pytest.raises(ModelUnavailable):
        budget.call("tutor", lambda: pytest.fail("must not be called"))
    assert budget.call("reviewer", lambda: "judged") == "judged"
    assert not budget.take_notice(), "a skip while resting repeats no notice"
    with pytest.raises(ValueError):  # a quick provider error: recorded, but no rest and no notice
        budget.call("quiz", _raise_value_error)
    assert budget.call("quiz", lambda: "variant") == "variant" and not budget.take_notice()
    clock.now += 31
    budget.begin_turn()
    assert budget.call("tutor", lambda: "back") == "back"
    assert [c["output"] for c in recorder.take()["llm"]] == [
        {"error": "skipped: no time left"}, {"error": "skipped: resting after a timeout"}, {"error": "ValueError"}]


def _raise_value_error() -> None:
    raise ValueError("bad request")


def test_default_budget_keeps_a_turn_under_twenty_seconds() -> None:
    assert Settings().model_turn_seconds < 20
