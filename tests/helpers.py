"""A scripted learner that answers from the answer key (or wrongly, on purpose)."""

from __future__ import annotations

from typing import Any

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.models import Item, ItemKind


def right_answer(item: Item) -> str:
    if item.kind is ItemKind.TRUE_FALSE:
        return "true" if item.answer else "false"
    if item.kind is ItemKind.MULTI_SELECT:
        return ",".join(item.answer)  # type: ignore[arg-type]
    return str(item.answer)


def wrong_answer(item: Item) -> str:
    if item.kind is ItemKind.TRUE_FALSE:
        return "false" if item.answer else "true"
    if item.kind is ItemKind.SHORT_ANSWER:
        return "I am not sure about this one."
    return item.wrong_keys[0]


def reply_for(curriculum: Curriculum, pending: dict[str, Any], *, wrong: bool = False) -> dict[str, str]:
    """The JSONL message a scripted learner sends for the awaiting event."""
    if pending["type"] == "lesson":
        return {"command": "continue"}
    item = curriculum.item(pending["item_id"])
    return {"answer": wrong_answer(item) if wrong else right_answer(item)}


def shown_event(event_type: str, text: str, **fields: Any) -> Any:
    """An event model with only the fields a renderer reads (not validated: rendering tests need no more)."""
    from skillcoach.protocol import Choice

    model = next(cls for cls in _event_types() if cls.model_fields["type"].default == event_type)
    if "choices" in fields:
        fields["choices"] = [Choice(**c) for c in fields["choices"]]
    return model.model_construct(type=event_type, text=text, **fields)


def _event_types() -> list[Any]:
    from skillcoach import protocol

    return [protocol.Question, protocol.Lesson, protocol.Feedback, protocol.Plan, protocol.Answer, protocol.Summary,
            protocol.Notice, protocol.Error]
