"""Turn a learner's raw text into a response, and grade it.

Closed items are graded exactly; short answers by their rubric's concept groups.
``parse_response`` raises InvalidAnswer with a message fit to show the learner, so
a bad answer never reaches the grader or the learner model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from skillcoach.curriculum.models import Item, ItemKind
from skillcoach.errors import SkillcoachError
from skillcoach.grading.guard import without_instructions
from skillcoach.grading.normalise import normalise_text
from skillcoach.grading.rubric import LOW_CONFIDENCE, confidence_of, key_points, read_answer, verdict_of
from skillcoach.i18n import N_

TRUE_WORDS = {"t", "true", "yes", "y", "1"}
FALSE_WORDS = {"f", "false", "no", "n", "2"}
TRUE_FALSE_CHOICES = [{"key": "t", "text": "True"}, {"key": "f", "text": "False"}]
IGNORED_INSTRUCTIONS = ("Text addressed to the grader was set aside: only what your answer says about the subject "
                        "counts.")


class Verdict(StrEnum):
    """How an answer was graded: correct, partial (part of a multi-select or short answer) or wrong."""

    CORRECT = "correct"
    PARTIAL = "partial"
    WRONG = "wrong"


class InvalidAnswer(SkillcoachError, ValueError):
    """The text is not an answer to this item; nothing is recorded."""


@dataclass(frozen=True)
class Grade:
    """One graded answer. Serialisable with ``to_dict``/``from_dict`` so the attempt can keep it."""

    verdict: Verdict
    score: float
    feedback: str
    correct_answer: str
    grader: str
    missing: list[str] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)  # misconception ids
    confidence: float = 1.0  # how sure the grader is, 0..1; 1.0 for closed items
    found: list[str] = field(default_factory=list)  # rubric ideas stated
    violations: list[str] = field(default_factory=list)  # wrong claims made (their feedback)
    offline: Grade | None = None  # the offline grade kept beside a model's verdict
    disputed: bool = False  # a model said correct where the offline grader is confident it is wrong
    judge_verdict: str | None = None  # what the model judge said, when one was asked

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the offline grade nested)."""
        out = asdict(self)
        out["verdict"] = self.verdict.value
        out["offline"] = self.offline.to_dict() if self.offline is not None else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Grade:
        """The Grade that ``to_dict`` wrote; unknown keys are ignored, missing ones take defaults."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["verdict"] = Verdict(values["verdict"])
        offline = values.get("offline")
        values["offline"] = cls.from_dict(offline) if isinstance(offline, dict) else None
        return cls(**values)


def display_choices(item: Item) -> list[dict[str, str]]:
    """Choices as shown to the learner (true/false gets its two)."""
    if item.kind is ItemKind.TRUE_FALSE:
        return list(TRUE_FALSE_CHOICES)
    return [{"key": c.key, "text": c.text} for c in item.choices]


def clean_text(text: str, max_chars: int) -> str:
    """Reject empty, over-long or control-character input; fold white space."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text):
        raise InvalidAnswer.message(N_("Your answer contains control characters; please type it again as plain text."))
    folded = " ".join(text.split())
    if not folded:
        raise InvalidAnswer.message(N_("The answer is empty: type an answer, or /skip to move on."))
    if len(folded) > max_chars:
        raise InvalidAnswer.message(N_("The answer is {length} characters long; the limit is {limit}."),
                                    length=len(folded), limit=max_chars)
    return folded


def parse_response(item: Item, text: str, max_chars: int = 2000) -> str:
    """The canonical response for ``item`` ('b', 'a,c', 'true', or free text).

    Free text is normalised first (NFKC, no zero-width or bidi characters), so what is stored, graded,
    guarded and shown to a model judge is one canonical string; choice keys are parsed as typed.
    """
    if item.kind is ItemKind.SHORT_ANSWER:
        return clean_text(normalise_text(text), max_chars)
    folded = clean_text(text, max_chars)
    keys = [c["key"] for c in display_choices(item)]
    if item.kind is ItemKind.TRUE_FALSE:
        return _parse_true_false(folded)
    picked = _parse_keys(folded, keys)
    if item.kind is ItemKind.MCQ and len(picked) != 1:
        raise InvalidAnswer.message(N_("Pick exactly one choice: {keys}."), keys=_key_list(keys))
    return ",".join(sorted(picked))


def _parse_true_false(text: str) -> str:
    word = text.lower().strip(" .!")
    if word in TRUE_WORDS:
        return "true"
    if word in FALSE_WORDS:
        return "false"
    raise InvalidAnswer.message(N_("Answer true or false (t/f, or 1/2)."))


def _parse_keys(text: str, keys: list[str]) -> set[str]:
    tokens = [t for t in re.split(r"[\s,;/]+", text.lower().replace(")", " ").replace(".", " ")) if t]
    if len(tokens) == 1 and len(tokens[0]) > 1 and tokens[0].isalpha():
        tokens = list(tokens[0])  # "ac" -> a, c
    picked: set[str] = set()
    for token in tokens:
        # ASCII digits only: '²'.isdigit() is true but int('²') fails; long runs would hit int()'s limit
        if token.isascii() and token.isdigit() and len(token) <= 3 and 1 <= int(token) <= len(keys):
            picked.add(keys[int(token) - 1])
        elif token in keys:
            picked.add(token)
        else:
            raise InvalidAnswer.message(N_("{token} is not one of the choices: {keys}."), token=repr(token),
                                        keys=_key_list(keys))
    return picked


def _key_list(keys: list[str]) -> str:
    return ", ".join(f"{k} ({i})" for i, k in enumerate(keys, 1))


def grade(item: Item, response: str) -> Grade:
    """Grade a parsed response exactly (closed items) or by rubric (short answers)."""
    if item.kind is ItemKind.SHORT_ANSWER:
        return grade_by_rubric(item, response)
    if item.kind is ItemKind.TRUE_FALSE:
        return _grade_true_false(item, response)
    if item.kind is ItemKind.MCQ:
        return _grade_mcq(item, response)
    return _grade_multi(item, response)


def _grade_true_false(item: Item, response: str) -> Grade:
    right = "true" if item.answer else "false"
    if response == right:
        return Grade(Verdict.CORRECT, 1.0, item.explanation, right, "exact")
    return Grade(Verdict.WRONG, 0.0, f"{item.wrong_feedback} {item.explanation}", right, "exact",
                 misconceptions=[item.wrong_misconception] if item.wrong_misconception else [])


def _grade_mcq(item: Item, response: str) -> Grade:
    right = str(item.answer)
    chosen = next((c for c in item.choices if c.key == response), None)
    if chosen is None:  # parse_response never lets one through; a resumed graph input might
        return Grade(Verdict.WRONG, 0.0, f"{response!r} is not one of the choices. {item.explanation}", right, "exact")
    if response == right:
        text = " ".join(filter(None, [chosen.feedback, item.explanation]))
        return Grade(Verdict.CORRECT, 1.0, text, right, "exact")
    return Grade(Verdict.WRONG, 0.0, f"{chosen.feedback} {item.explanation}", right, "exact",
                 misconceptions=[chosen.misconception] if chosen.misconception else [])


def _grade_multi(item: Item, response: str) -> Grade:
    right, chosen = set(item.correct_keys), set(response.split(","))
    answer = ",".join(sorted(right))
    if chosen == right:
        return Grade(Verdict.CORRECT, 1.0, item.explanation, answer, "exact")
    hits, false_picks = len(chosen & right), chosen - right
    score = max(0.0, (hits - len(false_picks)) / len(right))
    notes = [c.feedback for c in item.choices if c.key in false_picks and c.feedback]
    missed = sorted(right - chosen)
    if missed:
        notes.append(f"You left out: {', '.join(missed)}.")
    verdict = Verdict.PARTIAL if score > 0 else Verdict.WRONG
    ids = [c.misconception for c in item.choices if c.key in false_picks and c.misconception]
    return Grade(verdict, round(score, 2), " ".join([*notes, item.explanation]), answer, "exact",
                 misconceptions=ids)


def grade_by_rubric(item: Item, response: str) -> Grade:
    """Offline short-answer grading: required ideas stated (not negated), wrong claims, a confidence."""
    rubric = item.rubric
    assert rubric is not None, "short answers always carry a rubric (validated on load)"
    text = normalise_text(response)
    content = without_instructions(text)
    reading = read_answer(rubric, content)
    verdict, score = verdict_of(rubric, reading)
    confidence = confidence_of(rubric, reading, verdict)
    notes = _rubric_notes(reading.keyword_list, reading.violations, reading.contradicted, reading.missing)
    if verdict == "correct":
        notes = []
    if content != " ".join(text.split()):
        notes.insert(0, IGNORED_INSTRUCTIONS)
    notes.append(item.explanation)
    if confidence < LOW_CONFIDENCE:
        notes.append(f"I am not sure of this grade (confidence {confidence:.0%}). {key_points(item)}")
    return Grade(Verdict(verdict), score, " ".join(notes), str(item.answer), "rubric",
                 missing=reading.missing, misconceptions=reading.misconceptions, confidence=confidence,
                 found=reading.found, violations=reading.violations)


def _rubric_notes(keyword_list: bool, violations: list[str], contradicted: list[str], missing: list[str]) -> list[str]:
    if keyword_list:
        return ["This reads as a list of keywords, not an answer: explain the idea in a sentence or two."]
    notes = list(violations)
    if contradicted:
        notes.append("Your answer denies: " + ", ".join(contradicted) + ".")
    rest = [m for m in missing if m not in contradicted]
    if rest:
        notes.append("Missing: " + ", ".join(rest) + ".")
    return notes
