from __future__ import annotations

import pytest

from skillcoach.learner.bkt import Evidence, GuessRates, ObjectiveKnowledge, guess_rate, posterior, update
from tests.unit.factories import mcq, multi, short, true_false


def test_guess_rate_follows_the_item_kind() -> None:
    assert guess_rate(mcq(n_choices=4)) == pytest.approx(0.25)
    assert guess_rate(mcq(n_choices=2)) == pytest.approx(0.5)
    assert guess_rate(true_false()) == pytest.approx(0.5)
    # pick-all-that-apply is guessed far more often than 1 subset in 15 (learners eliminate)
    assert guess_rate(multi()) == pytest.approx(0.2)
    assert guess_rate(multi(), GuessRates(multi_select=0.3)) == pytest.approx(0.3)
    assert guess_rate(short()) == pytest.approx(0.05)


def test_correct_answer_matches_hand_computation() -> None:
    # P(L)=0.2, guess=.25, slip=.15: posterior = .17/(.17+.2) = .459459; learn .1 -> .513514
    after = update(ObjectiveKnowledge(), mcq(), 1.0)
    assert after.p_mastery == pytest.approx(0.513514, abs=1e-6)
    assert after.responses == 1 and after.items == {"s/o/q1"}


def test_wrong_answer_matches_hand_computation() -> None:
    # posterior = .03/(.03+.6) = .047619; learn -> .047619 + .952381*.1 = .142857
    after = update(ObjectiveKnowledge(), mcq(), 0.0)
    assert after.p_mastery == pytest.approx(0.142857, abs=1e-6)


def test_partial_credit_is_soft_evidence() -> None:
    # .5*.459459 + .5*.047619 = .253539; learn -> .253539 + .746461*.1 = .328185
    after = update(ObjectiveKnowledge(), mcq(), 0.5)
    assert after.p_mastery == pytest.approx(0.328185, abs=1e-6)


def test_posterior_is_bayes_rule() -> None:
    assert posterior(0.5, True, 0.2, 0.1) == pytest.approx(0.45 / 0.55)
    assert posterior(0.5, False, 0.2, 0.1) == pytest.approx(0.05 / 0.45)


def test_mastery_needs_threshold_three_responses_two_items_and_two_kinds() -> None:
    state = ObjectiveKnowledge()
    item = mcq()
    for _ in range(6):
        state = update(state, item, 1.0)
    assert state.p_mastery >= 0.95
    assert not state.mastered, "one distinct item is not enough"
    state = update(state, mcq("s/o/q9"), 1.0)
    assert not state.mastered, "one kind of item is not enough"
    state = update(state, true_false("s/o/t1"), 1.0)
    assert state.mastered and state.kinds == {"mcq", "true_false"}


def test_one_constructed_response_is_varied_enough() -> None:
    state = ObjectiveKnowledge()
    for item in (mcq("s/o/a"), mcq("s/o/b"), short("s/o/s")):
        state = update(state, item, 1.0)
    assert state.varied and state.mastered


def test_two_right_answers_are_not_mastery() -> None:
    state = update(update(ObjectiveKnowledge(), short("s/o/a"), 1.0), short("s/o/b"), 1.0)
    assert state.p_mastery >= 0.95 and state.responses == 2
    assert not state.mastered


def test_four_right_mcq_answers_reach_mastery_three_do_not() -> None:
    state = ObjectiveKnowledge()
    for item_id in ("s/o/a", "s/o/b", "s/o/c"):
        state = update(state, mcq(item_id), 1.0)
    # .513514 -> .803875 -> .939742: below the threshold after three
    assert state.p_mastery == pytest.approx(0.939742, abs=1e-5)
    assert not state.mastered
    state = update(state, true_false("s/o/d"), 1.0)
    assert state.p_mastery >= 0.95
    assert state.mastered


def test_score_is_clamped() -> None:
    assert update(ObjectiveKnowledge(), mcq(), 7.0) == update(ObjectiveKnowledge(), mcq(), 1.0)


def test_one_lucky_pick_all_that_apply_is_no_longer_near_proof() -> None:
    # with guess 1/15 one right answer moved P(L) from 0.2 to about 0.75; with 0.2 it moves far less
    after = update(ObjectiveKnowledge(), multi(), 1.0)
    blind = update(ObjectiveKnowledge(), multi(), 1.0, rates=GuessRates(multi_select=0.0))
    assert blind.p_mastery > 0.75 and after.p_mastery < 0.6


def test_low_confidence_moves_the_estimate_little() -> None:
    sure = update(ObjectiveKnowledge(), mcq(), 1.0)
    unsure = update(ObjectiveKnowledge(), mcq(), 1.0, evidence=Evidence(1.0, confidence=0.2))
    none = update(ObjectiveKnowledge(), mcq(), 1.0, evidence=Evidence(1.0, confidence=0.0))
    assert none.p_mastery == pytest.approx(0.2 + 0.8 * 0.1)  # only the learning step
    assert none.p_mastery < unsure.p_mastery < sure.p_mastery
    assert unsure.p_mastery - 0.28 < 0.25 * (sure.p_mastery - 0.28)


def test_each_hint_lowers_the_credit_of_a_right_answer() -> None:
    gains = [update(ObjectiveKnowledge(), mcq(), 1.0, evidence=Evidence(1.0, hints=n)).p_mastery for n in range(4)]
    assert gains == sorted(gains, reverse=True) and len(set(gains)) == 4
    wrong = [update(ObjectiveKnowledge(), mcq(), 0.0, evidence=Evidence(0.0, hints=n)).p_mastery for n in (0, 3)]
    assert wrong[0] == pytest.approx(wrong[1]), "a wrong answer after hints is still a wrong answer"


def test_a_right_answer_after_many_hints_does_not_vary_the_evidence() -> None:
    after = update(ObjectiveKnowledge(), short(), 1.0, evidence=Evidence(1.0, hints=2))
    assert not after.kinds
