"""The protocol's models: every recorded event parses to its type and writes back the same bytes."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from skillcoach.protocol import AnswerInput, CommandInput, Feedback, Notice, Question, parse_event
from tests.recorded_session import RECORDED

LINES = RECORDED.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("line", LINES)
def test_each_recorded_event_round_trips_to_the_same_bytes(line: str) -> None:
    event = parse_event(json.loads(line))
    assert type(event).__name__.lower() == event.type
    assert json.dumps(event.wire(), ensure_ascii=False) == line


def test_optional_fields_are_written_only_when_given() -> None:
    assert Notice(text="Saved.").wire() == {"type": "notice", "text": "Saved.", "awaiting": False}
    assert list(Notice(text="x", hint=1, note="n").wire()) == ["type", "text", "awaiting", "hint", "note"]


def test_an_unknown_type_or_field_is_refused() -> None:
    with pytest.raises(ValidationError):
        parse_event({"type": "shout", "text": "hi", "awaiting": False})
    with pytest.raises(ValidationError):
        parse_event({"type": "error", "text": "hi", "awaiting": False, "extra": 1})


def test_events_read_as_types_and_as_read_only_mappings() -> None:
    question = parse_event(json.loads(next(line for line in LINES if '"type": "question"' in line)))
    assert isinstance(question, Question) and question.awaiting
    assert question["item_id"] == question.item_id and "choices" in question
    assert {**question} == question.wire()
    feedback = parse_event(json.loads(next(line for line in LINES if '"type": "feedback"' in line)))
    assert isinstance(feedback, Feedback) and feedback.get("status") in {"learning", "provisional", "mastered"}
    assert Notice(text="x").get("progress", "absent") == "absent"


def test_learner_inputs_know_their_kind() -> None:
    assert AnswerInput(answer="b").wire() == {"answer": "b"}
    assert CommandInput(command="hint").kind == "command"
