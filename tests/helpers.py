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
