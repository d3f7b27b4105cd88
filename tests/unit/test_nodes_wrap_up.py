"""The wrap-up node, called directly: it closes the session with a summary."""

from __future__ import annotations

from agents.context import CoachContext
from agents.wrap_up import wrap_up
from skillcoach.protocol import Summary
from tests.fakes import ScriptedChatModel, text
from tests.unit.nodes import first_objective, run, start_state, with_models


def test_the_summary_closes_the_session_with_its_stats(coach_context: CoachContext) -> None:
    ctx = coach_context
    oid = first_objective(ctx).id
    state = start_state(ctx, spent=7.25, worked=[oid], started={oid: 0.1},
                        stats={"answered": 3, "correct": 2, "wrong": 1})
    update, events = run(wrap_up, state, ctx)
    assert update["finished"] is True and update["pending"] is None
    stats = update["stats"]
    assert stats["answered"] == 3 and stats["minutes"] == 7.2 and "next" in stats
    assert len(events) == 1 and isinstance(events[0], Summary) and events[0].stats == stats
    assert "3 answer(s), 2 correct" in events[0].text
    session = ctx.store.get_session(state["session_id"])
    assert session is not None and session.status == "finished" and session.summary == stats


def test_with_a_chat_model_the_summary_is_still_the_offline_one(coach_context: CoachContext) -> None:
    model = ScriptedChatModel(replies=[text("A summary by the model.")])
    ctx = with_models(coach_context, tutor=model, reviewer=model)
    _, events = run(wrap_up, start_state(ctx, stats={"answered": 1, "correct": 1}), ctx)
    assert isinstance(events[0], Summary) and events[0].text.startswith("Session over: 1 answer(s)")
    assert model.calls == [], "the summary is built from the numbers, not written by a model"
