"""Bayesian Knowledge Tracing per objective, and the evidence rule within a study run.

Pure functions: the state goes in, a new state comes out. The guess rate follows
how the item is answered (a 4-choice mcq is guessed 1 time in 4; a pick-all-that-apply
item is guessed far more often than 1 subset in 15, because learners eliminate; a
free-text answer rarely). Partial credit is soft evidence: the posterior is the
score-weighted mix of the posteriors after a right and after a wrong answer. Evidence
is weighed: a low-confidence grade, or a right answer after hints, moves P(L) little.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from skillcoach.curriculum.models import Item, ItemKind

MASTERY_THRESHOLD = 0.95
MIN_RESPONSES = 3
MIN_DISTINCT_ITEMS = 2
MAX_GUESS = 0.5
# A right answer after 0, 1, 2 or 3 hints counts this much of a right answer without one.
HINT_CREDIT = (1.0, 0.6, 0.35, 0.15)
MAX_HINTS = len(HINT_CREDIT) - 1
RIGHT_SCORE = 0.8  # a score from here up is a right answer for the varied-evidence rule
WEIGHTY = 0.5  # evidence weighed below this does not count towards the varied-evidence rule


@dataclass(frozen=True)
class BKTParams:
    """Bayesian Knowledge Tracing parameters: the chance of knowing at first, of learning per answer, of slipping."""

    # p_learn 0.1 and p_slip 0.15 (rather than 0.15 and 0.1) take four right answers on 4-choice
    # items to reach 0.95, not three: simulated learners who learn gradually were declared
    # mastered too early with three (bench/learning.py: premature mastery 20 % -> 14 %).
    p_init: float = 0.2
    p_learn: float = 0.1
    p_slip: float = 0.15


@dataclass(frozen=True)
class GuessRates:
    """Chance of a right answer without knowing, per item kind (tunable in settings)."""

    multi_select: float = 0.2  # measured guessing on pick-all-that-apply is far above 1 / (2^n - 1)
    true_false: float = 0.5
    short_answer: float = 0.05
    mcq_floor: float = 0.0  # raise to treat a 5-choice mcq as easier to guess than 1 in 5


@dataclass(frozen=True)
class Evidence:
    """One graded answer as the learner model weighs it."""

    score: float
    confidence: float = 1.0  # the grader's confidence: 1.0 for closed items
    hints: int = 0

    @property
    def right_weight(self) -> float:
        """Return how much a right answer counts: the grader's confidence, discounted for each hint used."""
        return self.confidence * HINT_CREDIT[min(max(self.hints, 0), MAX_HINTS)]

    @property
    def wrong_weight(self) -> float:
        """Return how much a wrong answer counts: the grader's confidence (hints do not soften it)."""
        return self.confidence

    @property
    def right(self) -> bool:
        """Tell whether the score counts as a right answer."""
        return self.score >= RIGHT_SCORE


@dataclass(frozen=True)
class ObjectiveKnowledge:
    """What the coach believes about one learner and one objective."""

    p_mastery: float = BKTParams.p_init
    responses: int = 0
    items: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)  # item kinds answered right, weightily

    @property
    def varied(self) -> bool:
        """A constructed response, or right answers on two kinds of item."""
        return ItemKind.SHORT_ANSWER.value in self.kinds or len(self.kinds) >= 2

    @property
    def mastered(self) -> bool:
        """Enough evidence within a run: threshold, responses, items and kinds (not yet spaced)."""
        return (
            self.p_mastery >= MASTERY_THRESHOLD
            and self.responses >= MIN_RESPONSES
            and len(self.items) >= MIN_DISTINCT_ITEMS
            and self.varied
        )


def guess_rate(item: Item, rates: GuessRates = GuessRates()) -> float:
    """Chance of answering right without knowing: set by the item's kind and choices."""
    if item.kind is ItemKind.MCQ:
        return float(min(MAX_GUESS, max(rates.mcq_floor, 1 / len(item.choices))))
    if item.kind is ItemKind.MULTI_SELECT:
        subsets: int = 2 ** len(item.choices) - 1
        return float(min(MAX_GUESS, max(rates.multi_select, 1 / subsets)))
    if item.kind is ItemKind.TRUE_FALSE:
        return rates.true_false
    return rates.short_answer


def posterior(p: float, correct: bool, guess: float, slip: float) -> float:
    """P(known | observation) by Bayes' rule."""
    if correct:
        known, unknown = p * (1 - slip), (1 - p) * guess
    else:
        known, unknown = p * slip, (1 - p) * (1 - guess)
    return known / (known + unknown)


def update(
    state: ObjectiveKnowledge, item: Item, score: float, params: BKTParams = BKTParams(), *,
    evidence: Evidence | None = None, rates: GuessRates = GuessRates(),
) -> ObjectiveKnowledge:
    """The knowledge state after one graded response with ``score`` in [0, 1].

    ``evidence`` weighs the answer: each side of the soft evidence is pulled towards the
    prior by its weight, so a weight of 0 leaves P(L) where it was (before learning).
    """
    score = min(1.0, max(0.0, score))
    weighed = evidence or Evidence(score)
    guess, p = guess_rate(item, rates), state.p_mastery
    right = posterior(p, True, guess, params.p_slip)
    wrong = posterior(p, False, guess, params.p_slip)
    right = weighed.right_weight * right + (1 - weighed.right_weight) * p
    wrong = weighed.wrong_weight * wrong + (1 - weighed.wrong_weight) * p
    observed = score * right + (1 - score) * wrong
    learned = observed + (1 - observed) * params.p_learn
    kinds = state.kinds
    if score >= RIGHT_SCORE and weighed.right_weight >= WEIGHTY:
        kinds = kinds | {item.kind.value}
    return replace(state, p_mastery=learned, responses=state.responses + 1, items=state.items | {item.id},
                   kinds=kinds)
