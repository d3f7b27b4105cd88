"""The events the coach emits (the JSONL protocol's objects), built in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.lesson_sections import lesson_sections
from agents.state import Event
from skillcoach.curriculum.models import Item, Objective
from skillcoach.grading.answers import Grade, display_choices
from skillcoach.grading.judging import disagreement
from skillcoach.i18n import N_


def event(event_type: str, text: str, *, awaiting: bool = False, **fields: Any) -> Event:
    """Build a protocol event of the given type; ``awaiting`` marks one the learner must answer."""
    return {"type": event_type, "text": text, "awaiting": awaiting, **fields}


def question(item: Item, objective: Objective, number: int, mode: str) -> Event:
    """Build the question event: the item's prompt and choices, awaiting the learner's answer."""
    return event("question", item.prompt, awaiting=True, objective_id=objective.id, item_id=item.id,
                 kind=item.kind.value, choices=display_choices(item), difficulty=item.difficulty,
                 number=number, mode=mode, has_hint=bool(item.hint))


def lesson(objective: Objective, text: str, *, awaiting: bool, remediation: bool = False,
           _: Callable[[str], str] = N_) -> Event:
    """Build the lesson event, with the text split into sections a face can page."""
    return event("lesson", text, awaiting=awaiting, objective_id=objective.id, title=objective.title,
                 remediation=remediation, sections=lesson_sections(text, objective.title, check=not remediation, _=_))


def feedback(item: Item, grade: Grade, text: str, mastery: float, mastered: bool, newly: bool,
             mastery_before: float) -> Event:
    """Build the feedback event on a graded answer: verdict, score, the right answer and mastery before and after."""
    return event("feedback", text, verdict=grade.verdict.value, score=grade.score, mastery=round(mastery, 3),
                 mastery_before=round(mastery_before, 3),
                 mastered=mastered, newly_mastered=newly, correct_answer=grade.correct_answer,
                 item_id=item.id, grader=grade.grader, confidence=grade.confidence, disputed=grade.disputed,
                 grader_disagreement=disagreement(grade))
