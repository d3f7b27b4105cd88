"""A ladder of up to three hints per item, built from the curriculum (no model needed).

1. the item's own hint (or, without one, which key point to think about);
2. an eliminated wrong choice with why it is wrong (a true/false item or a short answer: an idea
   the answer needs);
3. the key point that settles the item.
Each hint used lowers the evidence a right answer gives (``skillcoach.learner.bkt.HINT_CREDIT``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from skillcoach.curriculum.models import Item, ItemKind, Objective
from skillcoach.i18n import N_
from skillcoach.learner.bkt import MAX_HINTS

WORD = re.compile(r"[a-z0-9]+")


def hint(item: Item, objective: Objective, number: int, _: Callable[[str], str] = N_) -> str | None:
    """Hint ``number`` (1-based) for the item, or None past the last one; ``_`` translates the frame."""
    if not 1 <= number <= MAX_HINTS:
        return None
    if number == 1:
        return item.hint or _("Think about this key point: {point}").format(
            point=_closest_key_point(item, objective, rank=1))
    if number == 2:
        return _second(item, objective, _)
    return _("The key point that settles it: {point}").format(point=_closest_key_point(item, objective, rank=0))


def _second(item: Item, objective: Objective, _: Callable[[str], str]) -> str:
    if item.kind in (ItemKind.MCQ, ItemKind.MULTI_SELECT) and item.wrong_keys:
        wrong = next(c for c in item.choices if c.key == item.wrong_keys[-1])
        why = f" {wrong.feedback}" if wrong.feedback else ""
        return _("You can rule out ({key}) {text}.").format(key=wrong.key, text=wrong.text) + why
    if item.kind is ItemKind.SHORT_ANSWER and item.rubric is not None:
        return _("A good answer covers this idea: {idea}.").format(idea=item.rubric.required[0].name)
    return _("Look again at: {point}").format(point=_closest_key_point(item, objective, rank=1))


def _closest_key_point(item: Item, objective: Objective, rank: int) -> str:
    """The key point sharing most words with the item's prompt and explanation (``rank`` 0 = closest)."""
    points = list(objective.key_points)
    if not points:
        return objective.title
    words = set(WORD.findall(f"{item.prompt} {item.explanation}".lower()))
    ordered = sorted(points, key=lambda p: -len(words & set(WORD.findall(p.lower()))))
    return ordered[min(rank, len(ordered) - 1)]
