"""The quiz node, called directly: it puts the next practice question on the table."""

from __future__ import annotations

from agents.context import CoachContext
from agents.quiz import quiz
from skillcoach.grading.answers import grade
from skillcoach.protocol import Question, parse_event
from tests.fakes import ScriptedChatModel, tool_call
from tests.helpers import right_answer
from tests.unit.nodes import NOW, first_objective, run, start_state, with_models


def test_the_quiz_asks_an_item_of_the_objective(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    update, events = run(quiz, start_state(ctx, objective_id=objective.id, questions=2), ctx)
    assert events == []
    question = parse_event(update["pending"])
    assert isinstance(question, Question) and question.awaiting and question.number == 3
    assert question.item_id == update["item_id"] and update["asked"] == [update["item_id"]]
    assert update["item_id"] in {i.id for i in objective.items} and update["variant"] is None
    assert update["items_left"] == len(objective.items) - 1


def test_the_quiz_does_not_repeat_an_item_asked_this_session(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    first, _ = run(quiz, start_state(ctx, objective_id=objective.id), ctx)
    second, _ = run(quiz, start_state(ctx, objective_id=objective.id, asked=first["asked"]), ctx)
    assert second["item_id"] != first["item_id"] and second["asked"] == [first["item_id"], second["item_id"]]


def test_with_a_chat_model_a_seen_item_comes_back_as_a_checked_variant_or_as_itself(
        coach_context: CoachContext) -> None:
    objective = first_objective(coach_context)
    item = objective.items[-1]
    others = [i.id for i in objective.items if i.id != item.id]
    broken = ScriptedChatModel(replies=[tool_call("ItemVariant", {"prompt": ""})])  # fails the variant checks
    ctx = with_models(coach_context, quiz=broken)
    state = start_state(ctx, objective_id=objective.id, asked=others)
    unseen, _ = run(quiz, state, ctx)
    assert unseen["item_id"] == item.id and broken.calls == [], "a first meeting gets the bank item"
    ctx.store.record_attempt(session_id=state["session_id"], turn=1, learner_id=state["learner_id"],
                             objective_id=objective.id, item=item, response=right_answer(item),
                             grade=grade(item, right_answer(item)), review_mode=False, now=NOW)
    seen, _ = run(quiz, state, ctx)
    assert len(broken.calls) == 1, "a seen item asks the model for a variant"
    assert seen["item_id"] == item.id and seen["variant"] is None, "a variant that fails its checks is dropped"
    assert parse_event(seen["pending"]).text == item.prompt
