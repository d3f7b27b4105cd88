"""The validator's authoring-slip checks: quote marks, punctuation, brackets, give-away choices."""

from __future__ import annotations

import pytest

from skillcoach.curriculum.authoring import giveaway, text_slips, unbalanced
from skillcoach.curriculum.loader import read_dir
from skillcoach.curriculum.models import Item
from skillcoach.curriculum.validate import check
from tests.conftest import CURRICULUM


@pytest.mark.parametrize(("text", "slip"), [
    ('"True or false: a longer prompt is always better."', "wrapped in literal quote marks"),
    ('The model said "stop and then went on.', "stray quote mark"),
    ("Retrieval grounds answers.. Then it cites.", "doubled or misplaced punctuation '..'"),
    ("First,, second.", "doubled or misplaced punctuation ',,'"),
    ("recall now about 72%).", "unbalanced bracket ')'"),
    ("A list (of things [nested) badly].", "unbalanced bracket ')'"),
])
def test_each_slip_is_named(text: str, slip: str) -> None:
    assert any(slip in found for found in text_slips(text)), text_slips(text)


@pytest.mark.parametrize("text", [
    "Wait... then retry (with backoff).",
    "Use `a..b` or `f(x` in code; e.g., a list: [1, 2].",
    'The policy says "never guess" and the model obeys.',
    "Version 2.5 of the model, released in 2025, is faster.",
])
def test_clean_text_has_no_slips(text: str) -> None:
    assert text_slips(text) == []


def test_unbalanced_names_the_orphan() -> None:
    assert unbalanced("(a [b] c") == "(" and unbalanced("a) b") == ")" and unbalanced("{[()]}") is None


def mcq(right: str, wrong: list[str]) -> Item:
    choices = [{"key": "a", "text": right, "feedback": "right"}]
    choices += [{"key": chr(98 + n), "text": w, "feedback": "wrong because"} for n, w in enumerate(wrong)]
    return Item.model_validate({"id": "s/o/q1", "kind": "mcq", "difficulty": 1, "prompt": "Which one?",
                                "choices": choices, "answer": "a", "explanation": "Because it is so."})


def test_a_right_choice_much_longer_than_the_wrong_ones_is_a_giveaway() -> None:
    long_right = "The one that states the audience, the length, the tone and the exact output format"
    assert giveaway(mcq(long_right, ["A bigger model", "Say please"])) is not None
    assert giveaway(mcq("State the format", ["Use a bigger model", "Ask it twice"])) is None


def test_the_shipped_curriculum_has_no_authoring_slips() -> None:
    assert [str(p) for p in check(read_dir(CURRICULUM, "en"))] == []
