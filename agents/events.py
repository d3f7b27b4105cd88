"""The events the coach emits (the JSONL protocol's objects, typed in ``skillcoach.protocol``), built in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime

from agents.lesson_sections import lesson_sections
from skillcoach.curriculum.models import Item, Objective
from skillcoach.grading.answers import Grade, display_choices
from skillcoach.grading.judging import disagreement
from skillcoach.i18n import N_
from skillcoach.protocol import Choice, EventBase, Feedback, Lesson, Question, Section
from skillcoach.storage.evidence import AttemptResult


def emit(runtime: Runtime[Any], event: EventBase) -> None:
    """Stream an event to the faces as its protocol dict.

    Every consumer (the Python API through the context's sink, a ``langgraph dev`` client through
    LangGraph's custom stream) receives the same JSON-native object; the API reads it back as a model.
    """
    wire = event.wire()
    runtime.stream_writer(wire)
    sink = getattr(runtime.context, "sink", None)
    if sink is not None:
        sink(wire)


def question(item: Item, objective: Objective, number: int, mode: str) -> Question:
    """The question event for an item (a bank item or a variant) of an objective."""
    return Question(text=item.prompt, awaiting=True, objective_id=objective.id, item_id=item.id,
                    kind=item.kind.value, choices=[Choice(**c) for c in display_choices(item)],
                    difficulty=item.difficulty, number=number, mode=mode, has_hint=bool(item.hint))


def lesson(objective: Objective, text: str, *, awaiting: bool, remediation: bool = False,
           variant: str | None = None, _: Callable[[str], str] = N_) -> Lesson:
    """A lesson event, cut into sections; ``variant`` (full | brief | worked) only on the pending lesson."""
    sections = [Section(**s) for s in lesson_sections(text, objective.title, check=not remediation, _=_)]
    made = Lesson(text=text, awaiting=awaiting, objective_id=objective.id, title=objective.title,
                  remediation=remediation, sections=sections)
    return made if variant is None else made.model_copy(update={"variant": variant})


def feedback(item: Item, grade: Grade, text: str, saved: AttemptResult, hints: int) -> Feedback:
    """The feedback event of a graded, recorded answer."""
    return Feedback(text=text, verdict=grade.verdict.value, score=grade.score, mastery=round(saved.mastery_after, 3),
                    mastery_before=round(saved.mastery_before, 3), mastered=saved.mastered,
                    newly_mastered=saved.newly_mastered, correct_answer=grade.correct_answer, item_id=item.id,
                    grader=grade.grader, confidence=float(grade.confidence), disputed=grade.disputed,
                    grader_disagreement=disagreement(grade), status=saved.status, change=saved.change, hints=hints)
