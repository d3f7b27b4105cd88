"""Combine a model judge's verdict with the offline grade: the model decides, within a cap.

The offline grade is always kept beside the model's verdict. When the model says correct and
the offline grader is confident the answer is wrong (a wrong claim, a denied idea, nothing of the
rubric), the verdict is recorded as disputed and the offline grade stands: one model verdict
alone can then move mastery at most a little (the learner model weighs disputed evidence low).
"""

from __future__ import annotations

from dataclasses import replace

from skillcoach.grading.answers import Grade, Verdict

DISPUTE_CONFIDENCE = 0.5  # offline "wrong" at or above this confidence overrules a model "correct"
DISPUTED_CONFIDENCE = 0.3  # evidence weight of a disputed grade
AGREEMENT_CONFIDENCE = {0: 0.9, 1: 0.7, 2: 0.5}  # by distance between the model's and the offline verdict
_RANK = {Verdict.WRONG: 0, Verdict.PARTIAL: 1, Verdict.CORRECT: 2}
DISPUTE_NOTE = ("The model judge called this correct but the rubric reading finds it wrong, so the rubric's "
                "grade stands for now and counts only a little; another item will confirm it.")


def is_disputed(judged: Grade, offline: Grade) -> bool:
    """A model 'correct' against a confident offline 'wrong'."""
    return (judged.verdict is Verdict.CORRECT and offline.verdict is Verdict.WRONG
            and offline.confidence >= DISPUTE_CONFIDENCE)


def combine(judged: Grade, offline: Grade) -> Grade:
    """The grade to record: the model's verdict with the offline grade beside it, or a disputed offline grade."""
    if is_disputed(judged, offline):
        return replace(offline, grader=judged.grader, feedback=f"{offline.feedback} {DISPUTE_NOTE}",
                       confidence=min(offline.confidence, DISPUTED_CONFIDENCE), offline=offline, disputed=True,
                       judge_verdict=judged.verdict.value)
    distance = abs(_RANK[judged.verdict] - _RANK[offline.verdict])
    return replace(judged, confidence=AGREEMENT_CONFIDENCE[distance], found=list(offline.found),
                   violations=list(offline.violations), misconceptions=list(offline.misconceptions),
                   offline=offline, judge_verdict=judged.verdict.value)


def disagreement(grade: Grade) -> float | None:
    """The trace score ``grader_disagreement``: 0 when model and rubric agree, 0.5 a step apart, 1 opposite."""
    if grade.offline is None or grade.judge_verdict is None:
        return None
    return abs(_RANK[Verdict(grade.judge_verdict)] - _RANK[grade.offline.verdict]) / 2
