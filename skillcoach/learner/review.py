"""FSRS-6 review cards per mastered objective, through the ``fsrs`` package."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast

from fsrs import Card, Rating, Scheduler
from fsrs.card import CardDict

from skillcoach.grading.answers import Verdict

DESIRED_RETENTION = 0.9

RATING_FOR_VERDICT = {Verdict.WRONG: Rating.Again, Verdict.PARTIAL: Rating.Hard, Verdict.CORRECT: Rating.Good}


@cache
def scheduler() -> Scheduler:
    """Return the FSRS scheduler that times reviews of mastered objectives."""
    # No same-day learning steps (an objective is studied in a session, reviewed days later)
    # and no fuzzing, so schedules are reproducible.
    return Scheduler(desired_retention=DESIRED_RETENTION, learning_steps=(), enable_fuzzing=False)


def new_card(learner_id: str, objective_id: str, now: datetime, first_seen: datetime | None = None) -> dict[str, Any]:
    """The card given when an objective is first mastered: a 'Good' review at ``now``.

    ``first_seen`` (the provisional mastery, a day or more before its confirmation) counts as a
    first 'Good' review: the confirmation is then a second, spaced success, so the first review
    comes later than after a single one (it was due about two days on, and mostly answered right).
    """
    if first_seen is not None:  # a stored time: naive from SQLite, in the session's zone from Postgres
        first_seen = as_utc(first_seen)
    digest = hashlib.sha256(f"{learner_id}|{objective_id}".encode()).digest()
    card = Card(card_id=int.from_bytes(digest[:6], "big"), due=first_seen or now)
    if first_seen is not None and first_seen < now:
        card, _ = scheduler().review_card(card, Rating.Good, review_datetime=first_seen)
    card, _ = scheduler().review_card(card, Rating.Good, review_datetime=now)
    return dict(card.to_dict())


def as_utc(moment: datetime) -> datetime:
    """The same instant with UTC as its zone (FSRS accepts nothing else); a naive time is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def review(card: dict[str, Any], verdict: Verdict, now: datetime) -> dict[str, Any]:
    """The card after a review graded ``verdict`` at ``now``."""
    before = Card.from_dict(cast(CardDict, card))
    updated, _ = scheduler().review_card(before, RATING_FOR_VERDICT[verdict], review_datetime=now)
    return dict(updated.to_dict())


def due_at(card: dict[str, Any]) -> datetime:
    """Return when the card's next review is due."""
    return datetime.fromisoformat(card["due"])


def retrievability(card: dict[str, Any], at: datetime) -> float:
    """Probability the learner still recalls the objective at ``at``."""
    return float(scheduler().get_card_retrievability(Card.from_dict(cast(CardDict, card)), current_datetime=at))


def utcnow() -> datetime:
    """Return the current time in UTC, the clock every stored timestamp uses."""
    return datetime.now(UTC)
