"""Offline short-answer grading by a rubric read with ``reader``: ideas found, missing, contradicted.

Deterministic and model-free. A verdict comes with a confidence: how sure this reading is.
Low-confidence grades say so to the learner and list the reference's key points to self-check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skillcoach.curriculum.models import ConceptGroup, Item, Rubric
from skillcoach.grading.reader import Match, Token, find, is_keyword_list, stem_index, tokenise

LOW_CONFIDENCE = 0.6
CONTRADICTION_CAP = 0.5
SHORT_WORDS = 8
LONG_WORDS = 120


@dataclass
class Reading:
    """What the grader read in one answer against one rubric."""

    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    contradicted: list[str] = field(default_factory=list)  # required ideas stated only negatively
    violations: list[str] = field(default_factory=list)  # feedback of wrong claims made
    misconceptions: list[str] = field(default_factory=list)  # ids of those wrong claims
    negations_seen: int = 0
    words: int = 0
    keyword_list: bool = False


def read_answer(rubric: Rubric, text: str) -> Reading:
    """Read ``text`` against ``rubric``: which required ideas are stated, denied or absent."""
    tokens = tokenise(text)
    index = stem_index(tokens)
    reading = Reading(words=sum(not t.punct for t in tokens), keyword_list=is_keyword_list(tokens))
    for group in rubric.required:
        matches = _group_matches(tokens, group, index)
        reading.negations_seen += sum(m.negated for m in matches)
        if any(not m.negated for m in matches):
            reading.found.append(group.name)
        else:
            reading.missing.append(group.name)
            if matches:
                reading.contradicted.append(group.name)
    for claim in rubric.forbidden:
        matches = [m for phrase in claim.any for m in find(tokens, phrase, index)]
        reading.negations_seen += sum(m.negated for m in matches)
        if any(not m.negated for m in matches):
            reading.violations.append(claim.feedback)
            if claim.misconception:
                reading.misconceptions.append(claim.misconception)
    return reading


def _group_matches(tokens: list[Token], group: ConceptGroup, index: dict[str, list[int]]) -> list[Match]:
    return [m for phrase in group.any for m in find(tokens, phrase, index)]


def verdict_of(rubric: Rubric, reading: Reading) -> tuple[str, float]:
    """('correct'|'partial'|'wrong', score) from a reading."""
    if reading.keyword_list or reading.violations:
        return "wrong", 0.0
    ratio = len(reading.found) / len(rubric.required)
    if reading.contradicted:
        score = min(ratio, CONTRADICTION_CAP)
        return ("partial" if score > 0 else "wrong"), round(score, 2)
    if ratio >= rubric.pass_ratio - 1e-9:
        return "correct", 1.0
    return ("partial" if ratio > 0 else "wrong"), round(ratio, 2)


def confidence_of(rubric: Rubric, reading: Reading, verdict: str) -> float:
    """How sure the reading is: lower near the pass line, with negations, very short or long answers."""
    if reading.keyword_list:
        return 0.9
    conf = 0.9
    if reading.violations:
        conf = 0.85
    elif verdict == "partial":
        conf -= 0.25
    elif verdict == "wrong" and reading.found:
        conf -= 0.15
    if reading.negations_seen:
        conf -= 0.1
    if reading.words < SHORT_WORDS:
        conf -= 0.2
    if reading.words > LONG_WORDS:
        conf -= 0.15
    return round(max(0.2, min(1.0, conf)), 2)


def key_points(item: Item) -> str:
    """The reference answer's key points, for a learner to check their own answer."""
    assert item.rubric is not None
    ideas = "; ".join(g.name for g in item.rubric.required)
    return f"Key points to check your answer against: {ideas}. Reference answer: {item.answer}"
