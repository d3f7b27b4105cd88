"""The learner node: it waits (interrupt) with the pending event and files the reply in the inbox."""

from __future__ import annotations

from typing import Any

import pytest

from agents import learner as learner_module
from agents.learner import learner, normalise_reply


def test_the_learner_waits_on_the_pending_event_and_counts_the_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Any] = []

    def interrupt(value: Any) -> Any:
        shown.append(value)
        return {"answer": "b", "response": "b"}

    monkeypatch.setattr(learner_module, "interrupt", interrupt)
    pending = {"type": "question", "text": "Pick one.", "awaiting": True}
    update = learner({"learner_id": "ada", "session_id": "s", "minutes": 5, "turn": 3, "pending": pending})
    assert shown == [pending]
    assert update == {"inbox": {"answer": "b", "response": "b"}, "turn": 4}


@pytest.mark.parametrize(("reply", "inbox"), [
    ({"answer": 2}, {"answer": "2"}),
    ({"answer": "a", "response": "a"}, {"answer": "a", "response": "a"}),  # parsed once, by the face
    ({"ask": "why?", "response": "x"}, {"ask": "why?"}),  # only an answer carries a parsed response
    ({"command": "hint"}, {"command": "hint"}),
    ({"other": 1}, {"command": "unknown"}),
    ("/Skip ", {"command": "skip"}),
    ("true", {"answer": "true"}),
    (None, {"answer": ""}),
])
def test_replies_are_normalised_to_one_inbox_entry(reply: Any, inbox: dict[str, str]) -> None:
    assert normalise_reply(reply) == inbox
