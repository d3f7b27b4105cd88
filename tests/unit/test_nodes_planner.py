"""The planner node, called directly: it picks the next objective through the planning tool."""

from __future__ import annotations

from agents.context import CoachContext
from agents.planner import planner
from skillcoach.protocol import Plan
from tests.fakes import ScriptedChatModel, text
from tests.unit.nodes import run, start_state, with_models


def test_the_planner_chooses_an_objective_and_shows_the_plan(coach_context: CoachContext) -> None:
    ctx = coach_context
    ctx.recorder.take()
    update, events = run(planner, start_state(ctx), ctx)
    oid = update["objective_id"]
    assert oid in ctx.curriculum.objectives and update["mode"] == "learn"
    assert update["worked"] == [oid] and list(update["started"]) == [oid]
    assert update["items_left"] == len(ctx.curriculum.objective(oid).items)
    assert [type(e) for e in events] == [Plan]
    assert events[0].objective_id == oid and ctx.curriculum.objective(oid).title in events[0].text
    assert [c["tool"] for c in ctx.recorder.take()["tools"]] == ["plan_next_objective"]


def test_the_planner_skips_what_was_worked_and_stops_when_time_is_up(coach_context: CoachContext) -> None:
    ctx = coach_context
    first, _ = run(planner, start_state(ctx), ctx)
    second, _ = run(planner, start_state(ctx, worked=[first["objective_id"]]), ctx)
    assert second["objective_id"] != first["objective_id"]
    done, events = run(planner, start_state(ctx, minutes=10, spent=10.0), ctx)
    assert done == {"objective_id": None} and events == []


def test_with_a_chat_model_the_planner_still_plans_by_rule(coach_context: CoachContext) -> None:
    model = ScriptedChatModel(replies=[text("Study something else.")])
    ctx = with_models(coach_context, planner=model)
    update, events = run(planner, start_state(ctx), ctx)
    expected, _ = run(planner, start_state(coach_context), coach_context)
    assert update["objective_id"] == expected["objective_id"] and isinstance(events[0], Plan)
    assert model.calls == [], "routing and planning never ask a model"
