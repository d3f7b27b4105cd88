"""Agreement of the offline grader with a hand-graded corpus (tests/data/grading/*.yaml).

Each file lists, per short-answer item, correct paraphrases and wrong answers tagged
``stuffed``, ``negated`` or ``claim``. Used by the corpus test and by ``python -m bench.grading``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.grading.answers import Grade, Verdict, grade, parse_response


@dataclass(frozen=True)
class Case:
    """One hand-graded answer of the corpus: the item, the answer text, and the verdict it should get."""

    skill: str
    item_id: str
    text: str
    expected: str  # "correct" or the tag of a wrong answer


@dataclass
class SkillAgreement:
    """How far the offline grader agrees with the hand grades on one skill, with the cases it got wrong."""

    skill: str
    correct_total: int = 0
    correct_not_wrong: int = 0
    correct_graded_correct: int = 0
    wrong_total: int = 0
    wrong_graded_correct: int = 0
    wrong_graded_wrong: int = 0
    failures: list[tuple[Case, Grade]] = field(default_factory=list)

    @property
    def paraphrase_rate(self) -> float:
        """Return the share of correct paraphrases not graded wrong, 1.0 when the skill has none."""
        return self.correct_not_wrong / self.correct_total if self.correct_total else 1.0


def load_cases(directory: Path) -> list[Case]:
    """Every case of every corpus file under ``directory``."""
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["items"]:
            cases += [Case(data["skill"], entry["item"], text, "correct") for text in entry.get("correct", [])]
            cases += [Case(data["skill"], entry["item"], w["text"], w["why"]) for w in entry.get("wrong", [])]
    return cases


def measure(curriculum: Curriculum, cases: list[Case]) -> dict[str, SkillAgreement]:
    """Grade every case offline and count agreement per skill."""
    out: dict[str, SkillAgreement] = {}
    for case in cases:
        row = out.setdefault(case.skill, SkillAgreement(case.skill))
        item = curriculum.items[case.item_id]
        result = grade(item, parse_response(item, case.text))
        if case.expected == "correct":
            row.correct_total += 1
            row.correct_not_wrong += result.verdict is not Verdict.WRONG
            row.correct_graded_correct += result.verdict is Verdict.CORRECT
            if result.verdict is Verdict.WRONG:
                row.failures.append((case, result))
        else:
            row.wrong_total += 1
            row.wrong_graded_correct += result.verdict is Verdict.CORRECT
            row.wrong_graded_wrong += result.verdict is Verdict.WRONG
            if result.verdict is Verdict.CORRECT:
                row.failures.append((case, result))
    return out
