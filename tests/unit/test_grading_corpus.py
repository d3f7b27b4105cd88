"""The offline grader against the hand-graded corpus in tests/data/grading, and the rubric audit."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.models import ItemKind
from skillcoach.grading.agreement import load_cases, measure
from skillcoach.grading.reader import compile_phrase
from tests.conftest import CURRICULUM

CORPUS = Path(__file__).resolve().parent.parent / "data" / "grading"
MIN_PER_SKILL = 15
MIN_PARAPHRASE_RATE = 0.9


@pytest.fixture(scope="module")
def agreement():  # type: ignore[no-untyped-def]
    return measure(load_curriculum(CURRICULUM), load_cases(CORPUS))


def test_the_corpus_covers_every_skill_with_enough_answers(agreement) -> None:  # type: ignore[no-untyped-def]
    skills = {s.id for s in load_curriculum(CURRICULUM).skills}
    assert skills <= set(agreement), f"skills without a corpus: {sorted(skills - set(agreement))}"
    for row in agreement.values():
        assert row.correct_total >= MIN_PER_SKILL and row.wrong_total >= MIN_PER_SKILL, row.skill


def test_no_stuffed_negated_or_wrong_claim_answer_is_graded_correct(agreement) -> None:  # type: ignore[no-untyped-def]
    passed = [(case.item_id, case.expected, case.text) for row in agreement.values() for case, grade in row.failures
              if case.expected != "correct"]
    assert passed == []


def test_correct_paraphrases_are_not_graded_wrong(agreement) -> None:  # type: ignore[no-untyped-def]
    total = sum(r.correct_total for r in agreement.values())
    not_wrong = sum(r.correct_not_wrong for r in agreement.values())
    print(f"correct paraphrases not graded wrong: {not_wrong}/{total} = {not_wrong / total:.1%}")
    assert not_wrong / total >= MIN_PARAPHRASE_RATE
    low = {r.skill: round(r.paraphrase_rate, 2) for r in agreement.values() if r.paraphrase_rate < MIN_PARAPHRASE_RATE}
    assert low == {}


def _short_answers():  # type: ignore[no-untyped-def]
    return [i for i in load_curriculum(CURRICULUM).items.values() if i.kind is ItemKind.SHORT_ANSWER]


def test_every_rubric_names_wrong_claims_with_misconception_ids() -> None:
    bare = [i.id for i in _short_answers() if not i.rubric.forbidden
            or any(not m.misconception for m in i.rubric.forbidden)]
    assert bare == []


def test_every_required_idea_has_paraphrases_and_every_phrase_reads() -> None:
    thin = [(i.id, g.name) for i in _short_answers() for g in i.rubric.required if len(g.any) < 3]
    assert thin == []
    for item in _short_answers():
        for phrase in [p for g in item.rubric.required for p in g.any] + [p for m in item.rubric.forbidden
                                                                          for p in m.any]:
            parts = compile_phrase(phrase)
            assert parts, f"{item.id}: {phrase!r} has no words"
            assert all(len(v) >= 3 for v, prefix in parts if prefix), f"{item.id}: prefix too short in {phrase!r}"


def test_a_generic_buzzword_paragraph_passes_few_items() -> None:
    generic = ("It depends on the goal. I would build a small system, test it on our own data with metrics and a "
               "baseline, monitor cost and latency, keep a human in the loop to review and approve risky outputs, "
               "retrieve and cite sources, log every step, and switch or route models when needed.")
    from skillcoach.grading.answers import grade

    passed = [i.id for i in _short_answers() if grade(i, generic).verdict.value == "correct"]
    assert len(passed) <= 6, passed  # the substring grader passed 11 of 41 with such a paragraph


def test_wrong_choices_carry_misconception_ids_that_grading_reports() -> None:
    from skillcoach.grading.answers import grade

    curriculum = load_curriculum(CURRICULUM)
    skills = {s.id for s in curriculum.skills}
    ids = [c.misconception for i in curriculum.items.values() for c in i.choices if c.misconception]
    ids += [i.wrong_misconception for i in curriculum.items.values() if i.wrong_misconception]
    ids += [m.misconception for i in _short_answers() for m in i.rubric.forbidden if m.misconception]
    assert len(ids) > 400 and all(mid.split("/")[0] in skills for mid in ids)
    picked_overfitting = grade(curriculum.items["rag/why-rag/q1"], "b")
    assert picked_overfitting.misconceptions == ["rag/confuses-hallucination-with-overfitting"]
    true_false = next(i for i in curriculum.items.values() if i.wrong_misconception)
    wrong_value = "false" if true_false.answer else "true"
    assert grade(true_false, wrong_value).misconceptions == [true_false.wrong_misconception]
    assert grade(true_false, "true" if true_false.answer else "false").misconceptions == []
