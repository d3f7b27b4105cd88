"""Lesson texts that vary, so a learner never gets the same lesson text more than twice.

The first two lessons on an objective are the full lesson (the composer's); the next two are
its key points with the example; after that, and whenever the stuck policy asks for another
activity, a worked item: a practice question with its answer and why.
"""

from __future__ import annotations

from collections.abc import Callable

from skillcoach.curriculum.models import Item, ItemKind, Objective
from skillcoach.i18n import N_

Translate = Callable[[str], str]

FULL_LESSONS = 2
BRIEF_LESSONS = 2


def lesson_kind(shown: int, activity: str) -> str:
    """'full', 'brief' or 'worked' for the lesson after ``shown`` earlier ones."""
    if activity == "worked" or shown >= FULL_LESSONS + BRIEF_LESSONS:
        return "worked"
    return "full" if shown < FULL_LESSONS else "brief"


def brief_lesson(objective: Objective, reason: str, _: Translate = N_) -> str:
    """The key points and the example, for a third or fourth lesson on an objective."""
    parts = [f"## {objective.title}", f"_{reason}_", _("**The key points, once more**")]
    parts += [f"- {point}" for point in objective.key_points]
    parts += [_("**Example**"), objective.example.strip()]
    return "\n\n".join(parts)


def worked_item(objective: Objective, shown: int) -> Item:
    """The item to work through: a different one each time."""
    return objective.items[shown % len(objective.items)]


def worked_lesson(objective: Objective, item: Item, reason: str, _: Translate = N_) -> str:
    """A practice item worked through: question, answer, why, and why not the wrong choices."""
    parts = [_("## {title}: a worked example").format(title=objective.title), f"_{reason}_",
             _("**Question.**") + f" {item.prompt}"]
    parts += [f"- ({c.key}) {c.text}" for c in item.choices]
    parts += [_("**Answer.**") + f" {_answer_text(item, _)}", _("**Why.**") + f" {item.explanation}"]
    notes = [f"- ({c.key}) {c.feedback}" for c in item.choices if c.feedback and c.key in item.wrong_keys]
    if notes:
        parts += [_("**Why not the others**"), *notes]
    return "\n\n".join(parts)


def _answer_text(item: Item, _: Translate) -> str:
    if item.kind is ItemKind.TRUE_FALSE:
        return _("True") if item.answer else _("False")
    if item.kind in (ItemKind.MCQ, ItemKind.MULTI_SELECT):
        right = set(item.correct_keys)
        return "; ".join(f"({c.key}) {c.text}" for c in item.choices if c.key in right)
    return str(item.answer)
