from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import State

from skillcoach.grading.answers import Verdict
from skillcoach.learner import review

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_new_card_is_a_good_review_due_in_days() -> None:
    card = review.new_card("ada", "rag/why-rag", NOW)
    assert card["state"] == State.Review.value
    assert review.due_at(card) >= NOW + timedelta(days=1)
    assert card == review.new_card("ada", "rag/why-rag", NOW), "deterministic (no fuzz, stable id)"


def test_verdicts_map_to_ratings() -> None:
    card = review.new_card("ada", "rag/why-rag", NOW)
    later = review.due_at(card)
    good = review.review(card, Verdict.CORRECT, later)
    hard = review.review(card, Verdict.PARTIAL, later)
    again = review.review(card, Verdict.WRONG, later)
    assert review.due_at(good) > review.due_at(hard) > review.due_at(again)
    assert again["stability"] < card["stability"] < good["stability"]


def test_retrievability_falls_with_time() -> None:
    card = review.new_card("ada", "rag/why-rag", NOW)
    soon = review.retrievability(card, NOW + timedelta(days=1))
    late = review.retrievability(card, NOW + timedelta(days=30))
    assert 1.0 >= soon > late > 0.0


def test_a_confirmed_mastery_counts_its_provisional_day_as_a_first_review() -> None:
    single = review.new_card("ada", "rag/why-rag", NOW)
    confirmed = review.new_card("ada", "rag/why-rag", NOW, first_seen=NOW - timedelta(days=2))
    assert review.due_at(confirmed) > review.due_at(single) + timedelta(days=3), "two spaced successes last longer"
    assert confirmed["stability"] > single["stability"]
    assert review.new_card("ada", "rag/why-rag", NOW, first_seen=NOW) == single, "the same moment is one review"


def test_a_first_seen_time_from_any_zone_gives_the_same_card() -> None:
    """Postgres hands back times in the session's zone and SQLite naive ones; FSRS wants UTC."""
    from datetime import UTC, datetime, timedelta, timezone

    from skillcoach.learner.review import new_card

    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    seen = datetime(2026, 11, 30, 9, tzinfo=UTC)
    expected = new_card("ada", "x/y", now, seen)
    assert new_card("ada", "x/y", now, seen.astimezone(timezone(timedelta(hours=9)))) == expected
    assert new_card("ada", "x/y", now, seen.replace(tzinfo=None)) == expected
