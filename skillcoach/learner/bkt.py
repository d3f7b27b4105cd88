"""Bayesian Knowledge Tracing per objective, and the mastery rule.

Pure functions: the state goes in, a new state comes out. The guess rate follows
the item kind (a 4-choice mcq is guessed 1 time in 4; a free-text answer rarely).
Partial credit is treated as soft evidence: the posterior is the score-weighted
mix of the posteriors after a right and after a wrong answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from skillcoach.curriculum.models import Item, ItemKind

MASTERY_THRESHOLD = 0.95
MIN_RESPONSES = 3
MIN_DISTINCT_ITEMS = 2
SHORT_ANSWER_GUESS = 0.05
MAX_GUESS = 0.5


@dataclass(frozen=True)
class BKTParams:
    # p_learn 0.1 and p_slip 0.15 (rather than 0.15 and 0.1) take four right answers on 4-choice
    # items to reach 0.95, not three: simulated learners who learn gradually were declared
    # mastered too early with three (bench/learning.py: premature mastery 20 % -> 14 %).
    p_init: float = 0.2
    p_learn: float = 0.1
    p_slip: float = 0.15


@dataclass(frozen=True)
class ObjectiveKnowledge:
    """What the coach believes about one learner and one objective."""

    p_mastery: float = BKTParams.p_init
    responses: int = 0
    items: frozenset[str] = field(default_factory=frozenset)

    @property
    def mastered(self) -> bool:
        return (
            self.p_mastery >= MASTERY_THRESHOLD
            and self.responses >= MIN_RESPONSES
            and len(self.items) >= MIN_DISTINCT_ITEMS
        )


def guess_rate(item: Item) -> float:
    """Chance of answering right without knowing: set by the item's kind and choices."""
    if item.kind is ItemKind.MCQ:
        return float(min(MAX_GUESS, 1 / len(item.choices)))
    if item.kind is ItemKind.MULTI_SELECT:
        return float(min(MAX_GUESS, 1 / (2 ** len(item.choices) - 1)))
    if item.kind is ItemKind.TRUE_FALSE:
        return 0.5
    return SHORT_ANSWER_GUESS


def posterior(p: float, correct: bool, guess: float, slip: float) -> float:
    """P(known | observation) by Bayes' rule."""
    if correct:
        known, unknown = p * (1 - slip), (1 - p) * guess
    else:
        known, unknown = p * slip, (1 - p) * (1 - guess)
    return known / (known + unknown)


def update(
    state: ObjectiveKnowledge, item: Item, score: float, params: BKTParams = BKTParams()
) -> ObjectiveKnowledge:
    """The knowledge state after one graded response with ``score`` in [0, 1]."""
    score = min(1.0, max(0.0, score))
    guess = guess_rate(item)
    right = posterior(state.p_mastery, True, guess, params.p_slip)
    wrong = posterior(state.p_mastery, False, guess, params.p_slip)
    observed = score * right + (1 - score) * wrong
    learned = observed + (1 - observed) * params.p_learn
    return replace(state, p_mastery=learned, responses=state.responses + 1, items=state.items | {item.id})
