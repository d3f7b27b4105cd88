"""Which item the quiz asks: in learning the least seen near the target difficulty; in reviews the
strongest evidence (able to confirm mastery, never answered, then hardest to guess)."""

from __future__ import annotations

from agents.quiz import pick_item
from skillcoach.curriculum.models import Objective
from tests.unit.factories import mcq, multi, short, true_false

ITEMS = [true_false("s/o/tf"), mcq("s/o/mcq"), multi("s/o/ms"), short("s/o/sa")]
OBJECTIVE = Objective.model_construct(items=ITEMS)


def test_a_review_prefers_a_never_answered_item_then_the_hardest_to_guess() -> None:
    seen = {"s/o/sa": 2, "s/o/ms": 1}
    assert pick_item(OBJECTIVE, [], seen, 0.97, review=True).id == "s/o/mcq", "never answered beats seen"
    seen = {"s/o/sa": 1, "s/o/ms": 1, "s/o/tf": 1, "s/o/mcq": 1}
    assert pick_item(OBJECTIVE, [], seen, 0.97, review=True).id == "s/o/sa", "all seen: the free-text answer"
    assert pick_item(OBJECTIVE, ["s/o/sa"], seen, 0.97, review=True).id == "s/o/ms", "then pick-all (0.2)"


def test_a_review_asks_an_item_that_can_confirm_before_a_never_answered_true_false_item() -> None:
    seen = {"s/o/sa": 1, "s/o/ms": 1, "s/o/mcq": 1}
    assert pick_item(OBJECTIVE, [], seen, 0.97, review=True).id == "s/o/sa", "a seen free-text item beats true/false"
    only_tf_left = ["s/o/sa", "s/o/ms", "s/o/mcq"]
    assert pick_item(OBJECTIVE, only_tf_left, seen, 0.97, review=True).id == "s/o/tf", "true/false when nothing else"


def test_learning_keeps_the_least_seen_item_near_the_target_difficulty() -> None:
    seen = {"s/o/sa": 1, "s/o/ms": 1, "s/o/mcq": 1}
    assert pick_item(OBJECTIVE, [], seen, 0.97).id == "s/o/tf", "outside reviews the guess rate does not count"


def test_an_item_answered_with_a_misconception_comes_back_in_reviews_too() -> None:
    assert pick_item(OBJECTIVE, ["s/o/mcq"], {}, 0.97, recheck={"s/o/tf"}, review=True).id == "s/o/tf"
