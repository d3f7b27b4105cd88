"""Lesson texts that vary, so a learner never gets the same lesson text more than twice.

The first two lessons on an objective are the full lesson (the composer's); the next two are
its key points with the example; after that, and whenever the stuck policy asks for another
activity, a worked item: a practice question with its answer and why.
"""

from __future__ import annotations

from skillcoach.curriculum.models import Item, ItemKind, Objective

FULL_LESSONS = 2
BRIEF_LESSONS = 2


def lesson_kind(shown: int, activity: str) -> str:
    """'full', 'brief' or 'worked' for the lesson after ``shown`` earlier ones."""
    if activity == "worked" or shown >= FULL_LESSONS + BRIEF_LESSONS:
        return "worked"
    return "full" if shown < FULL_LESSONS else "brief"


def brief_lesson(objective: Objective, reason: str) -> str:
    """Write a short lesson for a returning learner: the key points again and the example."""
    parts = [f"## {objective.title}", f"_{reason}_", "**The key points, once more**"]
    parts += [f"- {point}" for point in objective.key_points]
    parts += ["**Example**", objective.example.strip()]
    return "\n\n".join(parts)


def worked_item(objective: Objective, shown: int) -> Item:
    """The item to work through: a different one each time."""
    return objective.items[shown % len(objective.items)]


def worked_lesson(objective: Objective, item: Item, reason: str) -> str:
    """Write a worked-example lesson: a question answered step by step, with why the wrong choices are wrong."""
    parts = [f"## {objective.title}: a worked example", f"_{reason}_", f"**Question.** {item.prompt}"]
    parts += [f"- ({c.key}) {c.text}" for c in item.choices]
    parts += [f"**Answer.** {_answer_text(item)}", f"**Why.** {item.explanation}"]
    notes = [f"- ({c.key}) {c.feedback}" for c in item.choices if c.feedback and c.key in item.wrong_keys]
    if notes:
        parts += ["**Why not the others**", *notes]
    return "\n\n".join(parts)


def _answer_text(item: Item) -> str:
    if item.kind is ItemKind.TRUE_FALSE:
        return "True" if item.answer else "False"
    if item.kind in (ItemKind.MCQ, ItemKind.MULTI_SELECT):
        right = set(item.correct_keys)
        return "; ".join(f"({c.key}) {c.text}" for c in item.choices if c.key in right)
    return str(item.answer)
