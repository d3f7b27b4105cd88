"""The pure mastery rule: provisional, confirmed on a later day, revoked, rebuilt from the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from skillcoach.learner.bkt import BKTParams, Evidence, ObjectiveKnowledge, update
from skillcoach.learner.mastery import Change, LearnerModel, MasteryState, Observation, rebuild, step
from tests.unit.factories import mcq, short, true_false

DAY1 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
ITEMS = [mcq("s/o/a"), true_false("s/o/b"), mcq("s/o/c"), short("s/o/d"), mcq("s/o/e")]


def run(observations: list[Observation]) -> tuple[MasteryState, list[Change]]:
    state, changes = MasteryState(), []
    for obs in observations:
        state, change = step(state, obs)
        changes.append(change)
    return state, changes


def right(item_index: int, at: datetime, *, review: bool = False, **ev: float) -> Observation:
    return Observation(ITEMS[item_index], Evidence(1.0, **ev), review, at)  # type: ignore[arg-type]


def wrong(item_index: int, at: datetime, *, review: bool = False, confidence: float = 1.0) -> Observation:
    return Observation(ITEMS[item_index], Evidence(0.0, confidence), review, at)


def same_day(answers: int = 6) -> list[Observation]:
    """Right answers on day 1: the fourth makes the objective provisional; after six, a later day confirms."""
    return [right(n % len(ITEMS), DAY1 + timedelta(minutes=n)) for n in range(answers)]


def test_enough_varied_evidence_in_one_day_is_only_provisional() -> None:
    state, changes = run(same_day())
    assert Change.PROVISIONAL in changes and state.status == "provisional"
    assert state.mastered_at is None
    later_same_day, _ = step(state, right(4, DAY1 + timedelta(hours=3)))
    assert later_same_day.status == "provisional", "the same day does not confirm"


def test_a_right_answer_on_a_later_day_confirms() -> None:
    state, _ = run(same_day())
    next_day = DAY1 + timedelta(days=1)
    confirmed, change = step(state, right(4, next_day, review=True))
    assert change is Change.CONFIRMED and confirmed.mastered_at == next_day and confirmed.status == "mastered"


def test_a_short_run_needs_right_answers_on_more_later_days() -> None:
    state, changes = run(same_day(4))
    assert changes[-1] is Change.PROVISIONAL
    for n, day in enumerate((1, 3), start=5):
        state, change = step(state, right(4, DAY1 + timedelta(days=day), review=True))
        assert change is Change.NONE and state.status == "provisional", f"{n} answers in all are too few to confirm"
    confirmed, change = step(state, right(2, DAY1 + timedelta(days=5), review=True))
    assert change is Change.CONFIRMED and confirmed.mastered_at == DAY1 + timedelta(days=5)


def test_a_right_answer_after_hints_does_not_confirm() -> None:
    state, _ = run(same_day())
    after, change = step(state, right(4, DAY1 + timedelta(days=1), review=True, hints=2))
    assert change is Change.NONE and after.status == "provisional"


def test_a_right_true_false_answer_does_not_confirm_but_a_later_mcq_does() -> None:
    state, _ = run(same_day())
    next_day = DAY1 + timedelta(days=1)
    after, change = step(state, right(1, next_day, review=True))  # true/false: one in two by guessing
    assert change is Change.NONE and after.status == "provisional"
    confirmed, change = step(after, right(4, next_day + timedelta(minutes=2), review=True))
    assert change is Change.CONFIRMED and confirmed.status == "mastered"


def test_a_failed_review_revokes_mastery() -> None:
    state, _ = run([*same_day(), right(4, DAY1 + timedelta(days=1), review=True)])
    assert state.status == "mastered"
    once, change = step(state, wrong(0, DAY1 + timedelta(days=9), review=True))
    assert change is Change.NONE and once.misses == 1, "one wrong answer gets a second item first"
    after, change = step(once, wrong(1, DAY1 + timedelta(days=9, minutes=2), review=True))
    assert change is Change.REVOKED and after.mastered_at is None and after.provisional_at is None
    assert after.knowledge.p_mastery > 0.5, "the estimate falls by Bayes' rule, not to zero"


def test_a_right_second_item_keeps_mastery() -> None:
    state, _ = run([*same_day(), right(4, DAY1 + timedelta(days=1), review=True)])
    once, _ = step(state, wrong(0, DAY1 + timedelta(days=9), review=True))
    kept, change = step(once, right(1, DAY1 + timedelta(days=9, minutes=2), review=True))
    assert change is Change.NONE and kept.status == "mastered" and kept.misses == 0


def test_unsure_wrong_review_answers_are_no_misses() -> None:
    state, _ = run([*same_day(), right(4, DAY1 + timedelta(days=1), review=True)])
    for minute in (0, 2):
        state, change = step(state, wrong(0, DAY1 + timedelta(days=9, minutes=minute), review=True, confidence=0.3))
        assert change is Change.NONE
    assert state.status == "mastered" and state.misses == 0


def test_estimate_below_the_threshold_revokes_outside_reviews_too() -> None:
    state, _ = run([*same_day(), right(4, DAY1 + timedelta(days=1), review=True)])
    changes = []
    for n in range(8):
        state, change = step(state, wrong(n % 3, DAY1 + timedelta(days=2, minutes=n)))
        changes.append(change)
    assert Change.REVOKED in changes and state.status == "learning"


def test_a_misconception_holds_mastery_until_its_item_is_answered_right() -> None:
    shown = Observation(ITEMS[0], Evidence(0.0), False, DAY1, misconceptions=("m-confuses-x-y",))
    state, changes = run([shown, *[right(n, DAY1 + timedelta(minutes=n + 1)) for n in (1, 2, 3, 4)]])
    assert state.recheck == {"s/o/a"} and Change.PROVISIONAL not in changes
    state, change = step(state, right(0, DAY1 + timedelta(minutes=9)))
    assert change is Change.PROVISIONAL and not state.recheck


def test_rebuild_gives_the_state_of_step_by_step() -> None:
    log = [*same_day(), right(4, DAY1 + timedelta(days=1), review=True),
           wrong(1, DAY1 + timedelta(days=8), review=True), wrong(2, DAY1 + timedelta(days=8, minutes=1), review=True)]
    state, _ = run(log)
    assert rebuild(log) == state


def test_a_right_answer_straight_after_a_miss_does_not_confirm() -> None:
    state, _ = run(same_day())
    next_day = DAY1 + timedelta(days=1)
    missed, _ = step(state, wrong(0, next_day, review=True))
    second_try, change = step(missed, right(4, next_day + timedelta(minutes=2), review=True))
    assert change is Change.NONE and second_try.status == "provisional" and second_try.misses == 0
    confirmed, change = step(second_try, right(2, next_day + timedelta(days=2), review=True))
    assert change is Change.CONFIRMED and confirmed.status == "mastered"


def test_fitted_parameters_of_the_objective_replace_the_defaults() -> None:
    quick = BKTParams(p_init=0.3, p_learn=0.25, p_slip=0.07)
    model = LearnerModel(fitted={"s/o": quick})
    answers = [Observation(ITEMS[n], Evidence(1.0), False, DAY1 + timedelta(minutes=n), objective_id="s/o")
               for n in range(4)]
    fitted, fitted_changes = run_with(answers, model)
    default, default_changes = run_with(answers[:3], LearnerModel())
    assert fitted_changes.index(Change.PROVISIONAL) == 2, "three right answers suffice with the fitted values"
    assert Change.PROVISIONAL not in default_changes
    first, _ = step(MasteryState(), answers[0], model)
    expected = update(ObjectiveKnowledge(p_mastery=quick.p_init), ITEMS[0], 1.0, quick).p_mastery
    assert first.knowledge.p_mastery == expected, "the first answer starts from the fitted P(init)"
    other = Observation(ITEMS[0], Evidence(1.0), False, DAY1, objective_id="s/other")
    assert step(MasteryState(), other, model)[0] == step(MasteryState(), other)[0], "no fit: the defaults"


def run_with(observations: list[Observation], model: LearnerModel) -> tuple[MasteryState, list[Change]]:
    state, changes = MasteryState(), []
    for obs in observations:
        state, change = step(state, obs, model)
        changes.append(change)
    return state, changes
