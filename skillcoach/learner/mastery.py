"""Mastery that is earned and can be lost: the states an objective goes through, as pure functions.

new -> learning -> provisional (enough, varied evidence in one run) -> mastered (a right answer on a later
day, not a second try straight after a miss, confirms it once the objective has seven answers in all); a
failed review, or P(L) falling below ``revoke_below``, takes a provisional or mastered objective back to
learning. A wrong review answer gets a second item; the review is failed when that one is wrong too (one
wrong answer is as often a slip as forgetting: in bench/learning.py revoking on the first wrong answer was
wrong about two times in three). Only *mastered* counts for prerequisites and the weekly plan. The attempt
log is the truth: folding its observations through ``step`` gives the stored state again (``rebuild``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from skillcoach.curriculum.models import Item
from skillcoach.learner.bkt import WEIGHTY, BKTParams, Evidence, GuessRates, ObjectiveKnowledge, guess_rate, update
from skillcoach.settings import Settings

REVOKE_BELOW = 0.8  # P(L) under this clears mastery
CONFIDENT = 0.6  # a wrong review answer graded with less confidence than this is no miss
CONFIRM_MAX_GUESS = 1 / 3  # a confirming item must be this hard to guess (true/false is not)
CONFIRM_GAP = timedelta(hours=12)  # a confirmation is on a later calendar day and at least this much later
# An objective is confirmed only once it has this many answers in all, so a provisional mastery from a short run
# needs right answers on more than one later day (three after the shortest run, four answers). In
# bench/learning.py gradual learners confirmed after five to seven answers were premature about 7 % of the time,
# after eight or more under 3 %; six here left gradual premature mastery at 5.3 %, seven brought it under 5 %.
CONFIRM_MIN_RESPONSES = 7
WRONG_SCORE = 0.5  # a review answer scored below this is a miss
MISSES_TO_FAIL = 2  # consecutive confident misses in reviews that fail the review


class Change(StrEnum):
    """How an answer moved an objective's mastery: not at all, to provisional, confirmed, or revoked."""

    NONE = "none"
    PROVISIONAL = "provisional"
    CONFIRMED = "confirmed"
    REVOKED = "revoked"


@dataclass(frozen=True)
class LearnerModel:
    """The learner model's parameters: BKT, guess rates per item kind, the revocation threshold.

    ``fitted`` holds BKT parameters fitted per objective from the attempt log (``learner.fit``,
    the defaults as priors); an objective without a fit uses ``params``. ``fitted_on`` is the number
    of attempts that fit saw, so a caller can tell when the log has grown enough to fit again.
    """

    params: BKTParams = BKTParams()
    rates: GuessRates = GuessRates()
    revoke_below: float = REVOKE_BELOW
    fitted: Mapping[str, BKTParams] = field(default_factory=dict)
    fitted_on: int = 0

    def params_for(self, objective_id: str) -> BKTParams:
        """The objective's fitted parameters when it has them, else the defaults."""
        return self.fitted.get(objective_id, self.params)


REFIT_FIRST = 100  # the coach first fits once the log holds this many attempts ...
REFIT_GROWTH = 1.25  # ... and fits again each time it has grown by this factor since the last fit


def refit_due(attempts: int, model: LearnerModel) -> bool:
    """Whether the log (``attempts`` undisputed) has grown enough since the model's last fit to fit again."""
    return attempts >= max(REFIT_FIRST, model.fitted_on * REFIT_GROWTH)


@dataclass(frozen=True)
class MasteryState:
    """One learner and one objective: the BKT estimate and where it stands on the way to mastery."""

    knowledge: ObjectiveKnowledge = field(default_factory=ObjectiveKnowledge)
    provisional_at: datetime | None = None
    mastered_at: datetime | None = None
    recheck: frozenset[str] = frozenset()  # items answered with a misconception: re-asked before mastery
    misses: int = 0  # consecutive confident wrong answers in reviews

    @property
    def status(self) -> str:
        """Return where the objective stands: new, learning, provisional or mastered."""
        if self.mastered_at is not None:
            return "mastered"
        if self.provisional_at is not None:
            return "provisional"
        return "learning" if self.knowledge.responses else "new"


@dataclass(frozen=True)
class Observation:
    """One attempt as the learner model reads it."""

    item: Item
    evidence: Evidence
    review: bool
    at: datetime
    misconceptions: tuple[str, ...] = ()
    objective_id: str = ""  # selects the objective's fitted parameters; "" uses the defaults


def step(state: MasteryState, obs: Observation, model: LearnerModel = LearnerModel()) -> tuple[MasteryState, Change]:
    """The state after one observation, and what changed."""
    ev = obs.evidence
    params = model.params_for(obs.objective_id)
    prior = state.knowledge
    if not prior.responses:  # the first answer starts from the objective's P(init), fitted or default
        prior = replace(prior, p_mastery=params.p_init)
    knowledge = update(prior, obs.item, ev.score, params, evidence=ev, rates=model.rates)
    recheck = _recheck(state.recheck, obs)
    misses = state.misses + 1 if _missed_review(obs) else 0
    held = state.mastered_at is not None or state.provisional_at is not None
    if held and (misses >= MISSES_TO_FAIL or knowledge.p_mastery < model.revoke_below):
        return MasteryState(knowledge, None, None, recheck), Change.REVOKED
    after = replace(state, knowledge=knowledge, recheck=recheck, misses=misses)
    if state.mastered_at is not None:
        return after, Change.NONE
    ready = knowledge.mastered and not recheck
    if state.provisional_at is not None:
        # A right answer straight after a confident miss is a second try, not a confirmation: the
        # objective stays provisional and a later day asks again (gradual learners otherwise
        # confirmed on wrong-then-right while their true chance was still low).
        if ready and not state.misses and knowledge.responses >= CONFIRM_MIN_RESPONSES \
                and _confirms(obs, state.provisional_at, model.rates):
            return replace(after, mastered_at=obs.at), Change.CONFIRMED
        return after, Change.NONE
    if ready:
        return replace(after, provisional_at=obs.at), Change.PROVISIONAL
    return after, Change.NONE


def _recheck(items: frozenset[str], obs: Observation) -> frozenset[str]:
    if obs.misconceptions and not obs.evidence.right:
        return items | {obs.item.id}
    if obs.evidence.right and obs.evidence.right_weight >= WEIGHTY:
        return items - {obs.item.id}
    return items


def _missed_review(obs: Observation) -> bool:
    """A confidently graded wrong answer in a review (or a confirmation)."""
    return obs.review and obs.evidence.score < WRONG_SCORE and obs.evidence.confidence >= CONFIDENT


def _confirms(obs: Observation, provisional_at: datetime, rates: GuessRates) -> bool:
    """A weighty right answer on a later day than the provisional mastery, to an item hard to guess.

    A true/false item (one in two by guessing) cannot confirm: a gradual learner whose grasp had faded
    overnight still got it right often enough that one confirmation in sixteen was premature.
    """
    later = obs.at.date() > provisional_at.date() and obs.at - provisional_at >= CONFIRM_GAP
    hard_to_guess = guess_rate(obs.item, rates) <= CONFIRM_MAX_GUESS
    return later and hard_to_guess and obs.evidence.right and obs.evidence.right_weight >= WEIGHTY


def rebuild(observations: Iterable[Observation], model: LearnerModel = LearnerModel()) -> MasteryState:
    """The state of one objective from its attempt log (in order, disputed attempts left out)."""
    state = MasteryState()
    for obs in observations:
        state, _ = step(state, obs, model)
    return state


def learner_model(settings: Settings) -> LearnerModel:
    """The learner model's tunable parameters from the settings."""
    rates = GuessRates(multi_select=settings.guess_multi_select, short_answer=settings.guess_short_answer,
                       true_false=settings.guess_true_false)
    return LearnerModel(rates=rates, revoke_below=settings.mastery_revoke_below)
