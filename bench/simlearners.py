"""Simulated learners with a hidden knowledge state, for the learning-efficiency bench.

Four generative models, all with prerequisites and forgetting, drawn from one population
(so a learner's traits are the same under every model, and under either teaching policy):

- ``BKTLearner``: each objective is known or not (a hidden two-state BKT chain). A lesson or a
  practice item with feedback teaches it with probability ``p_learn``; a known objective is
  forgotten with probability 1 - exp(-days / stability); a right answer while known makes the
  memory more stable, more so after a gap (spacing).
- ``LogisticLearner`` (PFA-style): knowledge of an objective is a strength on the logit scale;
  each lesson, success and failure adds to it, and each addition decays exponentially with a
  time constant that grows with the number of earlier study days on the objective (spacing).
- ``GradualLearner``: a grasp in [0, 1] that every opportunity raises a little and time erodes
  (no all-or-none step): right answers come early, long before the grasp is high.
- ``MisconceptionLearner``: a BKT learner who holds a wrong rule on some objectives and applies it
  consistently (always the same trap choice) until feedback or a lesson dispels it.

The parameters below are not tuned to any result. They are calibrated to one target: in both
models a learner of average traits needs about six learning opportunities (the lesson and
practice items with feedback) to learn an objective, and a ``prior`` share of the objectives
is known before starting. In both, an objective whose prerequisites are not known is learned
more slowly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from random import Random
from typing import Protocol

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.models import Item, ItemKind

P_LEARN = 0.175  # BKT: chance one opportunity teaches an unknown objective (before the learner's speed)
PREREQ_FACTOR = 0.3  # learning is this much as effective while a prerequisite is not known
MASSED_GAIN = 0.1  # BKT: stability gained by a right answer right after the last practice
SPACED_GAIN = 2.0  # BKT: extra stability gained when the gap is as long as the stability itself
PRIOR_STABILITY = 3.0  # BKT: what a learner knew before starting is this many times more stable
LESSON_GAIN = SUCCESS_GAIN = 0.85  # logistic: strength a lesson or a right answer adds (before speed)
FAILURE_GAIN = SUCCESS_GAIN / 2  # logistic: a wrong answer with feedback teaches too, less
SPACING_GAIN = 1.0  # logistic: each earlier study day lengthens an event's memory by this share
KNOWN_AT = 0.9  # logistic: an objective counts as truly mastered at P(know) >= 0.9
KNOWN_START = math.log(0.97 / 0.03)  # logistic: strength of what the learner knew before starting
UNKNOWN_START, UNKNOWN_SPREAD = math.log(0.15 / 0.85), 0.5  # logistic: strength of the rest (mean, sd)
SHORT_ANSWER_LUCK = 0.02  # a vague free-text answer seldom names the rubric's required ideas
ITEM_DIFFICULTY_LOGIT = 0.4  # logistic: a difficulty-3 item is this much harder than a difficulty-2 one
GRADUAL_RATE = 0.38  # gradual: share of the gap to full grasp one opportunity closes (before speed)
MISCONCEPTION_SHARE = 0.4  # misconception: share of the objectives not known at the start held with a wrong rule
UNLEARN_ON_TRAP_FEEDBACK = 0.35  # misconception: feedback on the trap choice itself dispels it this often
UNLEARN_ON_LESSON = 0.15  # misconception: a lesson or re-teach dispels it this often


class SimLearner(Protocol):
    """What the bench asks of a simulated learner. Times are the simulation's clock."""

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool: ...
    def p_right(self, item: Item, objective_id: str, now: datetime) -> float:
        """The learner's true chance of answering ``item`` right at ``now``."""
    def wrong_choice(self, item: Item, objective_id: str) -> str | None:
        """The wrong choice a learner who holds a misconception picks, else None (any wrong answer)."""
    def study(self, objective_id: str, now: datetime, *, correct: bool | None = None) -> None:
        """A learning opportunity: a lesson (``correct`` None) or a graded item with feedback."""
    def knows(self, objective_id: str, now: datetime) -> bool: ...
    def recall(self, objective_id: str, at: datetime) -> float:
        """Probability of recalling the objective at ``at`` with no study in between."""


@dataclass(frozen=True)
class Traits:
    """One learner of the population; the same traits drive either model."""

    weekly_minutes: int
    speed: float  # multiplies every learning chance or gain
    slip: float  # chance of a wrong answer while knowing
    prior: float  # share of objectives known before starting
    stability_days: float  # how long a fresh memory lasts (exponential time constant)

    @classmethod
    def draw(cls, rng: Random) -> Traits:
        return cls(weekly_minutes=rng.choice((60, 90, 120)), speed=rng.uniform(0.5, 1.5),
                   slip=rng.uniform(0.05, 0.15), prior=rng.uniform(0.0, 0.3),
                   stability_days=rng.uniform(10.0, 40.0))


def chance(item: Item) -> float:
    """Chance of a right answer without knowing: a blind pick among the options."""
    if item.kind is ItemKind.MCQ:
        return 1 / len(item.choices)
    if item.kind is ItemKind.MULTI_SELECT:
        subsets: int = 2 ** len(item.choices) - 1
        return 1 / subsets
    if item.kind is ItemKind.TRUE_FALSE:
        return 0.5
    return SHORT_ANSWER_LUCK


def days(since: datetime, until: datetime) -> float:
    return max(0.0, (until - since).total_seconds() / 86400)


@dataclass
class Learner:
    """What both models hold: the learner's traits, the prerequisite graph, the learner's own dice."""

    traits: Traits
    prerequisites: dict[str, tuple[str, ...]]
    rng: Random


@dataclass
class BKTLearner(Learner):
    known: dict[str, bool] = field(default_factory=dict)
    stability: dict[str, float] = field(default_factory=dict)
    touched: dict[str, datetime] = field(default_factory=dict)
    practised: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def create(cls, traits: Traits, curriculum: Curriculum, rng: Random, start: datetime) -> BKTLearner:
        learner = cls(traits, _prerequisites(curriculum), rng)
        for oid in curriculum.order:
            learner.known[oid] = rng.random() < traits.prior
            learner.stability[oid] = traits.stability_days * PRIOR_STABILITY
            learner.touched[oid] = start
        return learner

    def knows(self, objective_id: str, now: datetime) -> bool:
        self._forget(objective_id, now)
        return self.known[objective_id]

    def p_right(self, item: Item, objective_id: str, now: datetime) -> float:
        return 1 - self.traits.slip if self.knows(objective_id, now) else chance(item)

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool:
        return self.rng.random() < self.p_right(item, objective_id, now)

    def wrong_choice(self, item: Item, objective_id: str) -> str | None:
        return None

    def study(self, objective_id: str, now: datetime, *, correct: bool | None = None) -> None:
        if not self.knows(objective_id, now):
            factor = 1.0 if self._prerequisites_known(objective_id, now) else PREREQ_FACTOR
            if self.rng.random() < P_LEARN * self.traits.speed * factor:
                self.known[objective_id] = True
                self.stability[objective_id] = self.traits.stability_days
        elif correct:
            gap = days(self.practised.get(objective_id, now), now)
            stability = self.stability[objective_id]
            self.stability[objective_id] = stability * (1 + MASSED_GAIN + SPACED_GAIN * min(1.0, gap / stability))
        if correct is not None:
            self.practised[objective_id] = now

    def recall(self, objective_id: str, at: datetime) -> float:
        if not self.known[objective_id]:
            return 0.0
        return math.exp(-days(self.touched[objective_id], at) / self.stability[objective_id])

    def _forget(self, objective_id: str, now: datetime) -> None:
        """Exponential forgetting is memoryless, so checking at any moments gives the same odds."""
        if self.known[objective_id] and self.rng.random() > self.recall(objective_id, now):
            self.known[objective_id] = False
        self.touched[objective_id] = max(now, self.touched[objective_id])

    def _prerequisites_known(self, objective_id: str, now: datetime) -> bool:
        return all(self.knows(dep, now) for dep in self.prerequisites[objective_id])


@dataclass(frozen=True)
class Trace:
    """One study event's contribution to an objective's strength."""

    at: datetime
    gain: float
    memory_days: float


@dataclass
class LogisticLearner(Learner):
    base: dict[str, float] = field(default_factory=dict)
    traces: dict[str, list[Trace]] = field(default_factory=dict)

    @classmethod
    def create(cls, traits: Traits, curriculum: Curriculum, rng: Random, start: datetime) -> LogisticLearner:
        learner = cls(traits, _prerequisites(curriculum), rng)
        for oid in curriculum.order:
            known = rng.random() < traits.prior
            learner.base[oid] = KNOWN_START if known else UNKNOWN_START + rng.gauss(0.0, UNKNOWN_SPREAD)
            learner.traces[oid] = []
        return learner

    def p_know(self, objective_id: str, at: datetime, offset: float = 0.0) -> float:
        strength = self.base[objective_id] + offset + sum(
            t.gain * math.exp(-days(t.at, at) / t.memory_days) for t in self.traces[objective_id])
        return 1 / (1 + math.exp(-strength))

    def knows(self, objective_id: str, now: datetime) -> bool:
        return self.p_know(objective_id, now) >= KNOWN_AT

    def p_right(self, item: Item, objective_id: str, now: datetime) -> float:
        know = self.p_know(objective_id, now, offset=-ITEM_DIFFICULTY_LOGIT * (item.difficulty - 2))
        return know * (1 - self.traits.slip) + (1 - know) * chance(item)

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool:
        return self.rng.random() < self.p_right(item, objective_id, now)

    def wrong_choice(self, item: Item, objective_id: str) -> str | None:
        return None

    def study(self, objective_id: str, now: datetime, *, correct: bool | None = None) -> None:
        gain = LESSON_GAIN if correct is None else SUCCESS_GAIN if correct else FAILURE_GAIN
        gain *= self._readiness(objective_id, now)
        traces = self.traces[objective_id]
        earlier_days = len({t.at.date() for t in traces if t.at.date() < now.date()})
        memory = self.traits.stability_days * (1 + SPACING_GAIN * earlier_days)
        traces.append(Trace(now, gain * self.traits.speed, memory))

    def recall(self, objective_id: str, at: datetime) -> float:
        return self.p_know(objective_id, at)

    def _readiness(self, objective_id: str, now: datetime) -> float:
        """PREREQ_FACTOR with no grasp of a prerequisite, rising to 1 as the least-known one is mastered."""
        grasp = min((self.p_know(dep, now) for dep in self.prerequisites[objective_id]), default=1.0)
        return PREREQ_FACTOR + (1 - PREREQ_FACTOR) * min(1.0, grasp / KNOWN_AT)


@dataclass
class MisconceptionLearner(BKTLearner):
    """A BKT learner who, on some objectives, holds a misconception: a wrong rule applied consistently.

    While it holds, the learner picks the same trap choice on the items it touches (the first wrong
    choice of a multiple-choice item; on other kinds it answers wrong), whatever else it knows, and
    learning the objective does not count as knowing it. Feedback on the trap choice itself (which
    names the confusion) removes the misconception with ``UNLEARN_ON_TRAP_FEEDBACK``; a lesson or a
    re-teach with ``UNLEARN_ON_LESSON``. It is the learner who "applies the same wrong rule" and who,
    to a coach that treats every error as a slip, looks like a learner who slips.
    """

    holds: dict[str, bool] = field(default_factory=dict)
    trapped: dict[str, bool] = field(default_factory=dict)  # the last answer on the objective fell in the trap

    @classmethod
    def create(cls, traits: Traits, curriculum: Curriculum, rng: Random, start: datetime) -> MisconceptionLearner:
        learner = cls(traits, _prerequisites(curriculum), rng)
        for oid in curriculum.order:
            learner.known[oid] = rng.random() < traits.prior
            learner.stability[oid] = traits.stability_days * PRIOR_STABILITY
            learner.touched[oid] = start
            learner.holds[oid] = not learner.known[oid] and rng.random() < MISCONCEPTION_SHARE
        return learner

    def knows(self, objective_id: str, now: datetime) -> bool:
        return super().knows(objective_id, now) and not self.holds[objective_id]

    def p_right(self, item: Item, objective_id: str, now: datetime) -> float:
        if self.holds[objective_id] and _touches(item):
            return 0.0
        return super().p_right(item, objective_id, now)

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool:
        right = super().answers_right(item, objective_id, now)
        self.trapped[objective_id] = self.holds[objective_id] and _touches(item)
        return right

    def wrong_choice(self, item: Item, objective_id: str) -> str | None:
        return item.wrong_keys[0] if self.holds[objective_id] and item.wrong_keys else None

    def study(self, objective_id: str, now: datetime, *, correct: bool | None = None) -> None:
        if self.holds[objective_id]:
            unlearn = UNLEARN_ON_LESSON if correct is None else (
                UNLEARN_ON_TRAP_FEEDBACK if self.trapped.get(objective_id) else 0.0)
            if self.rng.random() < unlearn * self.traits.speed:
                self.holds[objective_id] = False
        super().study(objective_id, now, correct=correct)


def _touches(item: Item) -> bool:
    """A misconception shows on the items that offer its trap: those with a wrong choice to pick, and
    true/false statements (half of them test the wrong rule)."""
    return bool(item.wrong_keys) or (item.kind is ItemKind.TRUE_FALSE and bool(item.answer))


@dataclass
class GradualLearner(Learner):
    """Knowledge that grows a little with every opportunity and decays with time (no all-or-none step).

    Each objective has a grasp g in [0, 1]: every lesson or item with feedback closes a share
    ``GRADUAL_RATE * speed`` of the gap to 1 (less while a prerequisite is weak); between study the
    part gained decays exponentially with a time constant that grows with each earlier study day
    (spacing). The chance of a right answer is g * (1 - slip) + (1 - g) * chance. It is the learner of
    whom four right answers in a row say little: each is likely long before g is high.
    """

    grasp: dict[str, float] = field(default_factory=dict)
    floor: dict[str, float] = field(default_factory=dict)
    touched: dict[str, datetime] = field(default_factory=dict)
    days_studied: dict[str, set[date]] = field(default_factory=dict)

    @classmethod
    def create(cls, traits: Traits, curriculum: Curriculum, rng: Random, start: datetime) -> GradualLearner:
        learner = cls(traits, _prerequisites(curriculum), rng)
        for oid in curriculum.order:
            known = rng.random() < traits.prior
            learner.grasp[oid] = learner.floor[oid] = 0.97 if known else rng.uniform(0.0, 0.15)
            learner.touched[oid], learner.days_studied[oid] = start, set()
        return learner

    def g(self, objective_id: str, at: datetime) -> float:
        earlier = len({d for d in self.days_studied[objective_id] if d < at.date()})
        memory = self.traits.stability_days * (1 + SPACING_GAIN * earlier)
        floor, grasp = self.floor[objective_id], self.grasp[objective_id]
        return floor + (grasp - floor) * math.exp(-days(self.touched[objective_id], at) / memory)

    def p_right(self, item: Item, objective_id: str, now: datetime) -> float:
        g = self.g(objective_id, now)
        return g * (1 - self.traits.slip) + (1 - g) * chance(item)

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool:
        return self.rng.random() < self.p_right(item, objective_id, now)

    def wrong_choice(self, item: Item, objective_id: str) -> str | None:
        return None

    def knows(self, objective_id: str, now: datetime) -> bool:
        return self.g(objective_id, now) >= KNOWN_AT

    def study(self, objective_id: str, now: datetime, *, correct: bool | None = None) -> None:
        weakest = min((self.g(dep, now) for dep in self.prerequisites[objective_id]), default=1.0)
        readiness = PREREQ_FACTOR + (1 - PREREQ_FACTOR) * min(1.0, weakest / KNOWN_AT)
        gain = GRADUAL_RATE * self.traits.speed * readiness * (0.5 if correct is False else 1.0)
        current = self.g(objective_id, now)
        self.grasp[objective_id] = current + (1 - current) * gain
        self.touched[objective_id] = now
        self.days_studied[objective_id].add(now.date())

    def recall(self, objective_id: str, at: datetime) -> float:
        return self.g(objective_id, at)


MODELS: dict[str, type[BKTLearner] | type[LogisticLearner] | type[GradualLearner]] = {
    "bkt": BKTLearner, "logistic": LogisticLearner, "gradual": GradualLearner, "misconception": MisconceptionLearner}
AVERAGE = Traits(weekly_minutes=90, speed=1.0, slip=0.1, prior=0.0, stability_days=25.0)


def opportunities_to_learn(model: str, curriculum: Curriculum, start: datetime, runs: int) -> float:
    """The calibration target: mean lessons + items until an average learner knows a first objective."""
    objective = curriculum.objective(curriculum.order[0])
    counts = []
    for run in range(runs):
        learner = MODELS[model].create(AVERAGE, curriculum, Random(run), start)
        learner.study(objective.id, start)
        count = 1
        while not learner.knows(objective.id, start) and count < 100:
            item = objective.items[count % len(objective.items)]
            learner.study(objective.id, start, correct=learner.answers_right(item, objective.id, start))
            count += 1
        counts.append(count)
    return sum(counts) / runs


def _prerequisites(curriculum: Curriculum) -> dict[str, tuple[str, ...]]:
    return {oid: tuple(curriculum.objective(oid).prerequisites) for oid in curriculum.order}
