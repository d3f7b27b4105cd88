"""Estimated study time, so a session keeps to its budget deterministically (no wall clock)."""

from __future__ import annotations

from skillcoach.curriculum.models import Item, Objective

WORDS_PER_MINUTE = 180
MAX_QUESTIONS_PER_OBJECTIVE = 8
REVIEW_QUESTIONS = 1
REMEDIATE_AFTER_WRONG = 2
RETEACH_ITEMS = 3  # practice items after a lost mastery is re-taught


def lesson_minutes(objective: Objective) -> float:
    """Estimate the minutes a learner needs to read an objective's lesson, from its word count."""
    words = objective.word_count + sum(len(k.split()) for k in objective.key_points) + len(objective.example.split())
    return round(max(1.0, words / WORDS_PER_MINUTE), 2)


def question_minutes(item: Item) -> float:
    """Estimate the minutes a learner needs to answer an item: one, and half a minute more per difficulty step."""
    return 1.0 + 0.5 * (item.difficulty - 1)
