"""``python -m bench.grading [-v]``: the offline grader's agreement with the graded corpus, per skill."""

from __future__ import annotations

import sys
from pathlib import Path

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.grading.agreement import load_cases, measure

ROOT = Path(__file__).resolve().parent.parent


def main(verbose: bool = False) -> int:
    curriculum = load_curriculum(ROOT / "config" / "curriculum")
    rows = measure(curriculum, load_cases(ROOT / "tests" / "data" / "grading"))
    print(f"{'skill':22} {'paraphrases':>11} {'not wrong':>9} {'correct':>8} {'wrong ans':>9} "
          f"{'->correct':>9} {'->wrong':>8}")
    totals = [0, 0, 0, 0, 0, 0]
    for skill, r in sorted(rows.items()):
        figures = [r.correct_total, r.correct_not_wrong, r.correct_graded_correct, r.wrong_total,
                   r.wrong_graded_correct, r.wrong_graded_wrong]
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
        print(f"{skill:22} {figures[0]:11} {figures[1]:9} {figures[2]:8} {figures[3]:9} {figures[4]:9} {figures[5]:8}")
        if verbose:
            for case, grade in r.failures:
                print(f"   {case.expected:8} {grade.verdict.value:8} {case.item_id}: {case.text[:90]}"
                      f"  found={grade.found} missing={grade.missing}")
    n_ok, n_wrong = totals[0], totals[3]
    print(f"{'all':22} {totals[0]:11} {totals[1]:9} {totals[2]:8} {totals[3]:9} {totals[4]:9} {totals[5]:8}")
    print(f"correct paraphrases not graded wrong: {totals[1] / n_ok:.1%} ({totals[1]}/{n_ok}); "
          f"graded correct: {totals[2] / n_ok:.1%}")
    print(f"wrong answers (stuffed, negated, wrong claim) graded correct: {totals[4]} of {n_wrong}; "
          f"graded wrong: {totals[5] / n_wrong:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main("-v" in sys.argv))
