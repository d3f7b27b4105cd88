"""Authoring slips the schema cannot see, found before learners see them.

Stray quote marks, doubled punctuation, unbalanced brackets, and a right choice that gives
itself away by being much longer than the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from skillcoach.curriculum.loader import Problem
from skillcoach.curriculum.models import Item, ItemKind, Objective

DOUBLED = re.compile(r"(?<![.])\.\.(?![.])|,,|;;|::|!!|\?\?|[,;:]\.|[?!]\.|\s[,;.:](?=\s|$)")
PAIRS = {"(": ")", "[": "]", "{": "}"}
# The right choice is a give-away when it is this much longer than the longest wrong one.
GIVEAWAY_RATIO = 2.0
GIVEAWAY_CHARS = 25


def authoring_slips(file: str, where: str, obj: Objective) -> Iterator[Problem]:
    """Every slip in an objective's text fields, as ``file: field: problem`` (errors)."""
    for field, text in _texts(where, obj):
        for problem in text_slips(text):
            yield Problem(file, field, problem)


def giveaway_warnings(file: str, obj: Objective) -> Iterator[Problem]:
    """Warn about choices whose length gives the answer away.

    Warnings, not errors (``curriculum validate --strict`` fails on them), because fixing them
    means rewriting choices, which reviewers of the items should do.
    """
    for item in obj.items:
        problem = giveaway(item)
        if problem:
            yield Problem(file, f"objectives[{obj.id}].items[{item.id}].choices", problem)


def right_is_longest(objectives: list[Objective]) -> tuple[int, int]:
    """(mcq items whose right choice is the longest, mcq items): a bias test-wise learners exploit."""
    mcqs = [i for o in objectives for i in o.items if i.kind is ItemKind.MCQ and i.choices]
    longest = sum(1 for i in mcqs if max(i.choices, key=lambda c: len(c.text)).key in i.correct_keys)
    return longest, len(mcqs)


def text_slips(text: str) -> list[str]:
    """Slips in one piece of text (empty when it reads clean)."""
    found = []
    stripped = text.strip()
    if len(stripped) > 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'" and stripped.count(stripped[0]) == 2:
        found.append(f"the whole text is wrapped in literal quote marks ({stripped[0]}...{stripped[0]})")
    elif stripped.count('"') % 2 or stripped.count("“") != stripped.count("”"):
        found.append("a stray quote mark (quote marks do not pair up)")
    doubled = DOUBLED.search(_without_code(stripped))
    if doubled:
        found.append(f"doubled or misplaced punctuation {doubled.group().strip()!r}")
    bracket = unbalanced(_without_code(stripped))
    if bracket:
        found.append(f"unbalanced bracket {bracket!r}")
    return found


def unbalanced(text: str) -> str | None:
    """The first bracket without its partner, or None."""
    stack: list[str] = []
    for char in text:
        if char in PAIRS:
            stack.append(char)
        elif char in PAIRS.values():
            if not stack or PAIRS[stack.pop()] != char:
                return char
    return stack[0] if stack else None


def giveaway(item: Item) -> str | None:
    """An mcq whose right choice is much longer than every wrong one."""
    if item.kind is not ItemKind.MCQ or len(item.choices) < 2:
        return None
    right = [len(c.text) for c in item.choices if c.key in item.correct_keys]
    wrong = [len(c.text) for c in item.choices if c.key not in item.correct_keys]
    if right and wrong and right[0] >= GIVEAWAY_RATIO * max(wrong) and right[0] - max(wrong) >= GIVEAWAY_CHARS:
        return (f"the right choice ({right[0]} characters) is much longer than every wrong one (at most "
                f"{max(wrong)}): length gives the answer away")
    return None


def _without_code(text: str) -> str:
    """Text outside `code spans` and code blocks, where punctuation is literal."""
    return re.sub(r"```.*?```|`[^`\n]*`", "code", text, flags=re.S)


def _texts(where: str, obj: Objective) -> Iterator[tuple[str, str]]:
    yield f"{where}.title", obj.title
    yield f"{where}.explanation", obj.explanation
    for n, point in enumerate(obj.key_points):
        yield f"{where}.key_points[{n}]", point
    yield f"{where}.example", obj.example
    for n, fact in enumerate(obj.facts):
        yield f"{where}.facts[{n}].claim", fact.claim
    for item in obj.items:
        at = f"{where}.items[{item.id}]"
        yield f"{at}.prompt", item.prompt
        yield f"{at}.explanation", item.explanation
        for field in ("hint", "wrong_feedback"):
            value = getattr(item, field)
            if value:
                yield f"{at}.{field}", value
        for choice in item.choices:
            yield f"{at}.choices[{choice.key}].text", choice.text
            if choice.feedback:
                yield f"{at}.choices[{choice.key}].feedback", choice.feedback
