"""Pydantic models of the curriculum: skill -> objectives -> items.

One YAML file per skill under ``config/curriculum/``; ``sources.yaml`` beside
them lists the seed articles that facts may cite. Every text field is in the
file's ``locale``; a second locale ships as a parallel file with the same ids.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
ObjectiveId = Annotated[str, Field(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$", max_length=120)]
ItemId = Annotated[str, Field(pattern=r"^[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$", max_length=160)]
ChoiceKey = Annotated[str, Field(pattern=r"^[a-z]$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemKind(StrEnum):
    MCQ = "mcq"
    MULTI_SELECT = "multi_select"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"


class SourceRef(Strict):
    """Where a claim comes from: a seed file (listed in sources.yaml) and its section."""

    seed: str = Field(min_length=1)
    section: str = Field(min_length=1)


class Fact(Strict):
    """A reported figure or claim, phrased with its date, e.g. 'As of December 2025, X reported ...'."""

    claim: str = Field(min_length=10)
    source: SourceRef


class Choice(Strict):
    key: ChoiceKey
    text: str = Field(min_length=1)
    # Why a learner might pick this choice and what is wrong (or right) about it.
    feedback: str | None = None
    misconception: str | None = None  # the id of the misconception a wrong choice reveals


class ConceptGroup(Strict):
    """One required idea of a short answer; matched when any phrase occurs."""

    name: str = Field(min_length=1)
    any: list[str] = Field(min_length=1)


class Misconception(Strict):
    """A phrase that signals a known misconception, with feedback naming it."""

    any: list[str] = Field(min_length=1)
    feedback: str = Field(min_length=1)


class Rubric(Strict):
    required: list[ConceptGroup] = Field(min_length=1)
    forbidden: list[Misconception] = Field(default_factory=list)
    # Share of required groups needed for 'correct'; at least one group for 'partial'.
    pass_ratio: float = Field(default=1.0, gt=0, le=1)


class Item(Strict):
    id: ItemId
    kind: ItemKind
    difficulty: int = Field(ge=1, le=3)
    prompt: str = Field(min_length=5)
    choices: list[Choice] = Field(default_factory=list)
    # mcq: one key; multi_select: list of keys; true_false: bool; short_answer: reference answer.
    answer: str | bool | list[str]
    explanation: str = Field(min_length=10)
    # true_false only: what a learner who picked the wrong value misunderstands.
    wrong_feedback: str | None = None
    rubric: Rubric | None = None
    hint: str | None = None

    @model_validator(mode="after")
    def _answer_fits_kind(self) -> Item:
        problem = answer_problem(self)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def wrong_keys(self) -> list[str]:
        right = set(self.correct_keys)
        return [c.key for c in self.choices if c.key not in right]

    @property
    def correct_keys(self) -> list[str]:
        if self.kind is ItemKind.MCQ:
            return [str(self.answer)]
        if self.kind is ItemKind.MULTI_SELECT:
            return list(self.answer)  # type: ignore[arg-type]
        return []


def answer_problem(item: Item) -> str | None:
    """Return why the item's answer key does not fit its kind, or None."""
    keys = [c.key for c in item.choices]
    if len(set(keys)) != len(keys):
        return "choices: duplicate choice keys"
    kind = item.kind
    if kind in (ItemKind.MCQ, ItemKind.MULTI_SELECT):
        return _choice_answer_problem(item, keys)
    if kind is ItemKind.TRUE_FALSE:
        if not isinstance(item.answer, bool):
            return "answer: a true_false item needs answer true or false"
        if item.choices:
            return "choices: a true_false item has no choices"
        if not item.wrong_feedback:
            return "wrong_feedback: a true_false item needs feedback for the wrong value"
        return None
    if not isinstance(item.answer, str) or len(item.answer) < 10:
        return "answer: a short_answer item needs a reference answer (10+ characters)"
    if item.rubric is None:
        return "rubric: a short_answer item needs a rubric"
    return None


def _choice_answer_problem(item: Item, keys: list[str]) -> str | None:
    if len(keys) < 2:
        return "choices: needs at least two choices"
    if item.kind is ItemKind.MCQ:
        if not isinstance(item.answer, str) or item.answer not in keys:
            return f"answer: {item.answer!r} is not one of the choice keys {keys}"
    else:
        answer = item.answer
        if not isinstance(answer, list) or not answer or not set(answer) <= set(keys):
            return f"answer: a multi_select answer must be a non-empty list of choice keys {keys}"
    missing = [c.key for c in item.choices if c.key in item.wrong_keys and not c.feedback]
    if missing:
        return f"choices: wrong choice(s) {missing} need feedback naming the misconception"
    return None


class Objective(Strict):
    id: ObjectiveId
    title: str = Field(min_length=3)
    minutes: int = Field(ge=3, le=90)
    prerequisites: list[str] = Field(default_factory=list)
    explanation: str = Field(min_length=50)
    key_points: list[str] = Field(min_length=2)
    example: str = Field(min_length=20)
    facts: list[Fact] = Field(default_factory=list)
    sources: list[SourceRef] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    @property
    def skill_id(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def word_count(self) -> int:
        return len(self.explanation.split())


class Skill(Strict):
    id: Slug
    locale: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    title: str = Field(min_length=3)
    summary: str = Field(min_length=10)
    order: int = Field(ge=0)
    prerequisites: list[str] = Field(default_factory=list)
    objectives: list[Objective] = Field(min_length=1)


class Seed(Strict):
    """A seed article that facts cite."""

    file: str
    title: str
    date: str | None = None
    date_note: str | None = None


class SourceList(Strict):
    seeds: list[Seed] = Field(min_length=1)
