"""The tutor node, called directly: it teaches, re-teaches after wrong answers, answers questions."""

from __future__ import annotations

import pytest

from agents.context import CoachContext
from agents.tutor import tutor
from skillcoach.protocol import Answer, Lesson, parse_event
from tests.fakes import ScriptedChatModel, text, tool_call
from tests.unit.nodes import first_objective, run, start_state, with_models


def test_the_tutor_puts_the_lesson_on_the_table(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    update, events = run(tutor, start_state(ctx, objective_id=objective.id, reason="a new start"), ctx)
    assert events == [], "the lesson waits as the pending event, it is not streamed"
    lesson = parse_event(update["pending"])
    assert isinstance(lesson, Lesson) and lesson.awaiting and lesson.variant == "full"
    assert lesson.objective_id == objective.id and lesson.sections and "A new start" in lesson.text
    assert update["spent"] > 0


def test_after_wrong_answers_the_tutor_reteaches_without_waiting(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    last = {"verdict": "wrong", "misconceptions": ["This confuses one idea with another."]}
    state = start_state(ctx, objective_id=objective.id, wrong_streak=2, last=last, item_id=objective.items[0].id)
    update, events = run(tutor, state, ctx)
    assert update == {"pending": None, "wrong_streak": 0}
    assert len(events) == 1 and isinstance(events[0], Lesson)
    assert events[0].remediation and not events[0].awaiting
    assert events[0].text.startswith("**About the answer you chose**\n\nThis confuses one idea with another.")


def test_the_tutor_answers_a_question_from_the_curriculum(coach_context: CoachContext) -> None:
    ctx = coach_context
    objective = first_objective(ctx)
    update, events = run(tutor, start_state(ctx, objective_id=objective.id, inbox={"ask": "What is a role?"}), ctx)
    assert update == {"inbox": None}
    assert len(events) == 1 and isinstance(events[0], Answer)
    assert events[0].question == "What is a role?" and events[0].citations


def test_with_a_chat_model_the_lesson_is_the_models_and_a_failed_answer_falls_back(
        coach_context: CoachContext) -> None:
    model = ScriptedChatModel(replies=[text("## A lesson written by the model"), TimeoutError("provider down")])
    ctx = with_models(coach_context, tutor=model)
    objective = first_objective(ctx)
    update, _ = run(tutor, start_state(ctx, objective_id=objective.id), ctx)
    assert parse_event(update["pending"]).text == "## A lesson written by the model"
    _, events = run(tutor, start_state(ctx, objective_id=objective.id, inbox={"ask": "What is a role?"}), ctx)
    assert isinstance(events[0], Answer) and events[0].text.startswith("Here is what the curriculum says")
    assert len(model.calls) == 2 and [c["agent"] for c in ctx.recorder.take()["llm"]] == ["tutor"]


@pytest.mark.slow  # the grounding check loads the Korean analyser for the cited passages: seconds
def test_with_a_chat_model_a_grounded_answer_from_a_tool_call_is_shown(coach_context: CoachContext) -> None:
    objective = first_objective(coach_context)
    grounded = objective.explanation.split("\n")[0].strip()  # the curriculum's own words, cited
    model = ScriptedChatModel(replies=[
        tool_call("search_curriculum", {"query": objective.title, "k": 2}),
        text(f"{grounded} [1]"),
    ])
    ctx = with_models(coach_context, tutor=model)
    _, events = run(tutor, start_state(ctx, objective_id=objective.id, inbox={"ask": "What is a role?"}), ctx)
    answer = events[0]
    assert isinstance(answer, Answer) and answer.text == f"{grounded} [1]" and answer.citations
    record = ctx.recorder.take()
    assert [c["agent"] for c in record["llm"]] == ["tutor", "tutor"]
    assert [c["tool"] for c in record["tools"]] == ["search_curriculum"]
