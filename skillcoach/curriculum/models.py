"""Pydantic models of the curriculum: skill -> objectives -> items.

One YAML file per skill under ``config/curriculum/``; ``sources.yaml`` beside
them records the source articles that facts may cite (title, date, author,
headings) and ``claims.yaml`` lists the claims those articles make. Every text
field is in the file's ``locale``; a second locale ships as a parallel file
with the same ids.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
ObjectiveId = Annotated[str, Field(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$", max_length=120)]
ItemId = Annotated[str, Field(pattern=r"^[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$", max_length=160)]
ChoiceKey = Annotated[str, Field(pattern=r"^[a-z]$")]
# A known misconception, e.g. "rag/confuses-retrieval-with-finetuning" (skill id / slug).
MisconceptionId = Annotated[str, Field(pattern=r"^[a-z0-9-]+/[a-z0-9-]+$", max_length=120)]


class Strict(BaseModel):
    """Base of the curriculum models: unknown fields are errors and loaded values cannot change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemKind(StrEnum):
    """The kinds of question an item can be, which decides how its answer is graded."""

    MCQ = "mcq"
    MULTI_SELECT = "multi_select"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"


# A date as precise as the source allows: 2025, 2025-06 or 2025-12-28.
AsOf = Annotated[str, Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")]
ClaimId = Annotated[str, Field(pattern=r"^[a-z0-9-]+/\d{2,3}$")]


class SourceRef(Strict):
    """Where a claim comes from: a source id (a record in sources.yaml) and one of its headings."""

    id: Slug
    heading: str = Field(min_length=1)


class Fact(Strict):
    """A reported figure or claim, phrased with its date, e.g. 'As of December 2025, X reported ...'.

    ``as_of`` is when the source says it holds; ``checked`` is the day someone last confirmed the
    fact against its source and looked for later events; ``since`` says what changed after
    ``as_of`` (what, when, and where it was reported). ``covers`` names the claims.yaml entries
    the fact teaches.
    """

    claim: str = Field(min_length=10)
    source: SourceRef
    as_of: AsOf
    checked: dt.date
    since: str | None = Field(default=None, min_length=10)
    covers: list[ClaimId] = Field(default_factory=list)


class Choice(Strict):
    """One choice of a multiple-choice item, with the feedback and misconception shown when it is picked."""

    key: ChoiceKey
    text: str = Field(min_length=1)
    # Why a learner might pick this choice and what is wrong (or right) about it.
    feedback: str | None = None
    misconception: MisconceptionId | None = None


class ConceptGroup(Strict):
    """One required idea of a short answer; matched when any phrase is stated (not negated).

    Phrases match whole words by stem, with gaps of up to two words; ``word*`` matches a prefix.
    """

    name: str = Field(min_length=1)
    any: list[str] = Field(min_length=1)


class Misconception(Strict):
    """A phrase that signals a known misconception, with feedback naming it."""

    any: list[str] = Field(min_length=1)
    feedback: str = Field(min_length=1)
    misconception: MisconceptionId | None = None


class Rubric(Strict):
    """How a short answer is graded: the concept groups it must contain and the misconceptions it must not."""

    required: list[ConceptGroup] = Field(min_length=1)
    forbidden: list[Misconception] = Field(default_factory=list)
    # Share of required groups needed for 'correct'; at least one group for 'partial'.
    pass_ratio: float = Field(default=1.0, gt=0, le=1)


class Item(Strict):
    """One question a learner answers, with its right answer, explanation and per-choice feedback."""

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
    # true_false only: the misconception id behind the wrong value, when the feedback names one.
    wrong_misconception: MisconceptionId | None = None
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
        """Return the keys of the choices that are not right answers."""
        right = set(self.correct_keys)
        return [c.key for c in self.choices if c.key not in right]

    @property
    def correct_keys(self) -> list[str]:
        """Return the keys of the right choices; empty for true/false and short-answer items."""
        if self.kind is ItemKind.MCQ:
            return [str(self.answer)]
        if self.kind is ItemKind.MULTI_SELECT:
            return list(self.answer) if isinstance(self.answer, list) else []
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
    """One learning objective: the lesson text, its sourced facts, its prerequisites and the items that test it."""

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
        """Return the id of the skill this objective belongs to (the part of its id before the slash)."""
        return self.id.split("/", 1)[0]

    @property
    def word_count(self) -> int:
        """Return the number of words in the explanation, to check lesson length."""
        return len(self.explanation.split())


class Skill(Strict):
    """One skill: an ordered group of objectives, one YAML file of the curriculum."""

    id: Slug
    locale: str = Field(default="en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    title: str = Field(min_length=3)
    summary: str = Field(min_length=10)
    order: int = Field(ge=0)
    prerequisites: list[str] = Field(default_factory=list)
    objectives: list[Objective] = Field(min_length=1)


class Heading(Strict):
    """A heading of a source article, exactly as written there.

    ``heading``: a heading line of the article (``## ...`` or ``**...**``).
    ``name``: the article has no heading markup here, but the section opens with its name
    (``opens`` gives the opening words when they differ from the name).
    ``opening``: an untitled part, cited by the words that open it; ``en`` describes it.
    """

    text: str = Field(min_length=1)
    en: str | None = None  # an English rendering for English citations
    kind: Literal["heading", "name", "opening"] = "heading"
    opens: str | None = None


class Title(Strict):
    """A source article's title as the article gives it and in our English rendering."""

    original: str = Field(min_length=3)  # as the article gives it
    en: str = Field(min_length=3)  # our English rendering


class Source(Strict):
    """A source article that facts cite: what a learner needs to find it, never its file name."""

    id: Slug
    file: str = Field(min_length=1)  # the seed text's file name; internal, never shown to learners
    title: Title
    title_note: str | None = None
    language: str = Field(pattern=r"^[a-z]{2}$")
    date: dt.date | None = None
    date_note: str | None = None  # required when the article gives no date
    circa: str | None = None  # a short estimate shown for an undated source, e.g. "mid-2025"
    author: str | None = None
    outlet: str | None = None
    attribution_note: str | None = None
    url: str | None = None
    headings_note: str | None = None
    headings: list[Heading] = Field(min_length=1)

    @model_validator(mode="after")
    def _dated_or_explained(self) -> Source:
        if self.date is None and not self.date_note:
            raise ValueError("date_note: an undated source needs a note saying what dates it")
        return self

    def heading(self, text: str) -> Heading | None:
        """Return the article's heading with exactly this text, or None if it has none."""
        return next((h for h in self.headings if h.text == text), None)


class SourceList(Strict):
    """The source articles of sources.yaml."""

    sources: list[Source] = Field(min_length=1)

    def by_id(self) -> dict[str, Source]:
        """Return the sources keyed by id."""
        return {s.id: s for s in self.sources}


class Claim(Strict):
    """One claim a source article makes, in a short English statement of our own."""

    id: ClaimId
    source: Slug
    heading: str = Field(min_length=1)
    statement: str = Field(min_length=10)


class ClaimList(Strict):
    """The claims of claims.yaml that facts must cover."""

    claims: list[Claim] = Field(min_length=1)
