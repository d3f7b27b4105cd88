"""Simulated learners with a hidden knowledge state, for the learning-efficiency bench.

Two generative models, both with prerequisites and forgetting, drawn from one population
(so a learner's traits are the same under either model, and under either teaching policy):

- ``BKTLearner``: each objective is known or not (a hidden two-state BKT chain). A lesson or a
  practice item with feedback teaches it with probability ``p_learn``; a known objective is
  forgotten with probability 1 - exp(-days / stability); a right answer while known makes the
  memory more stable, more so after a gap (spacing).
- ``LogisticLearner`` (PFA-style): knowledge of an objective is a strength on the logit scale;
  each lesson, success and failure adds to it, and each addition decays exponentially with a
  time constant that grows with the number of earlier study days on the objective (spacing).

The parameters below are not tuned to any result. They are calibrated to one target: in both
models a learner of average traits needs about six learning opportunities (the lesson and
practice items with feedback) to learn an objective, and a ``prior`` share of the objectives
is known before starting. In both, an objective whose prerequisites are not known is learned
more slowly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
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


class SimLearner(Protocol):
    """What the bench asks of a simulated learner. Times are the simulation's clock."""

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool: ...
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
        return 1 / (2 ** len(item.choices) - 1)
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

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool:
        p_right = 1 - self.traits.slip if self.knows(objective_id, now) else chance(item)
        return self.rng.random() < p_right

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

    def answers_right(self, item: Item, objective_id: str, now: datetime) -> bool:
        know = self.p_know(objective_id, now, offset=-ITEM_DIFFICULTY_LOGIT * (item.difficulty - 2))
        p_right = know * (1 - self.traits.slip) + (1 - know) * chance(item)
        return self.rng.random() < p_right

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


MODELS: dict[str, type[BKTLearner] | type[LogisticLearner]] = {"bkt": BKTLearner, "logistic": LogisticLearner}
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
