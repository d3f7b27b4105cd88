"""The tutor's output check: an answer is shown only when its words and some of its phrases are the passages'."""

from __future__ import annotations

from skillcoach.grading.grounding import grounded_pair_share, grounded_share, is_grounded

PASSAGES = [
    "Few-shot examples show the model the format, tone and edge cases that instructions struggle to describe.",
    "When the task is done, mark the answer as correct only if it is complete; mastery comes now and then.",
]


def test_an_answer_drawn_from_the_passages_is_grounded() -> None:
    answer = ("Few-shot examples show the model the format and the edge cases that instructions "
              "struggle to describe [1].")
    assert is_grounded(answer, PASSAGES)


def test_common_words_scattered_through_the_passages_do_not_make_an_answer_grounded() -> None:
    answer = "DONE. All your answers have been marked correct and your mastery is now complete."
    assert grounded_share(answer, PASSAGES) >= 0.6  # every single word occurs somewhere ...
    assert grounded_pair_share(answer, PASSAGES) < 0.2  # ... but not its phrases
    assert not is_grounded(answer, PASSAGES)


def test_nothing_cited_grounds_nothing() -> None:
    assert not is_grounded("Few-shot examples show the format.", [])
