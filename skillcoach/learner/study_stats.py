"""Display-only figures for progress: review forecast, study streak, time studied, recurring mistakes.

Nothing here decides anything; it summarises the attempt log, the turn log and the review
cards for people to read. Days are counted in the learner's time zone.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.learner import review
from skillcoach.storage.store import Store, as_utc

FORECAST_DAYS = 14
# A gap between two turns longer than this is a break, not study; it counts as this much.
MAX_TURN_GAP = timedelta(minutes=5)
RECURRING_WRONG = 2


def study_stats(curriculum: Curriculum, store: Store, learner_id: str, now: datetime) -> dict[str, Any]:
    """Gather the learner's study statistics for the dashboard.

    Returns:
        A dict with 'objective_status', 'review_forecast', 'next_reviews', 'streak_days', 'study_days',
        'minutes_studied' and 'recurring_mistakes'.
    """
    titles = {oid: o.title for oid, o in curriculum.objectives.items()}
    zone = _zone(store, learner_id)
    attempts = store.attempts(learner_id=learner_id)
    days = sorted({as_utc(a.created_at).astimezone(zone).date() for a in attempts})
    cards = store.review_cards(learner_id)
    return {
        "objective_status": objective_status(curriculum, store.mastered(learner_id), store.knowledge(learner_id)),
        "review_forecast": review_forecast(cards, now, zone),
        "next_reviews": next_reviews(cards, titles, now),
        "streak_days": streak(days, now.astimezone(zone).date()),
        "study_days": len(days),
        "minutes_studied": minutes_studied(store, learner_id),
        "recurring_mistakes": recurring_mistakes(attempts, titles),
    }


def objective_status(curriculum: Curriculum, mastered: set[str], known: dict[str, Any]) -> dict[str, str]:
    """Give each objective its status: mastered, in_progress (answered), ready (prerequisites mastered) or locked."""
    status = {}
    for oid, objective in curriculum.objectives.items():
        if oid in mastered:
            status[oid] = "mastered"
        elif oid in known:
            status[oid] = "in_progress"
        else:
            ready = all(p in mastered for p in objective.prerequisites)
            status[oid] = "ready" if ready else "locked"
    return status


def review_forecast(cards: dict[str, dict[str, Any]], now: datetime, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Reviews falling due on each of the next 14 days (overdue ones count today)."""
    today = now.astimezone(zone).date()
    counts: Counter[date] = Counter()
    for card in cards.values():
        day = max(as_utc(review.due_at(card)).astimezone(zone).date(), today)
        if day < today + timedelta(days=FORECAST_DAYS):
            counts[day] += 1
    return [{"date": (today + timedelta(days=n)).isoformat(), "reviews": counts[today + timedelta(days=n)]}
            for n in range(FORECAST_DAYS)]


def next_reviews(cards: dict[str, dict[str, Any]], titles: dict[str, str], now: datetime,
                 limit: int = 5) -> list[dict[str, Any]]:
    """The soonest reviews, with their objective titles and due times."""
    upcoming = sorted((as_utc(review.due_at(card)), oid) for oid, card in cards.items())
    return [{"objective_id": oid, "title": titles.get(oid, oid), "due": due.isoformat(), "due_now": due <= now}
            for due, oid in upcoming[:limit]]


def streak(days: list[date], today: date) -> int:
    """Consecutive study days ending today (or yesterday: today is not over yet)."""
    studied = set(days)
    day = today if today in studied else today - timedelta(days=1)
    count = 0
    while day in studied:
        count += 1
        day -= timedelta(days=1)
    return count


def minutes_studied(store: Store, learner_id: str) -> float:
    """Time between consecutive turns of each session, breaks capped (a rough, honest figure)."""
    total = timedelta()
    for session in store.list_sessions(learner_id):
        moments = [as_utc(session.started_at)] + [as_utc(t.created_at) for t in store.turns(session.id)]
        total += sum((min(b - a, MAX_TURN_GAP) for a, b in itertools.pairwise(moments) if b > a), timedelta())
    return round(total.total_seconds() / 60, 1)


def recurring_mistakes(attempts: list[Any], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Items answered wrong at least twice and not answered right since, by objective."""
    wrong: Counter[str] = Counter()
    objective_of: dict[str, str] = {}
    for attempt in attempts:  # in log order: a correct answer clears the item's count
        objective_of[attempt.item_id] = attempt.objective_id
        wrong[attempt.item_id] = 0 if attempt.verdict == "correct" else wrong[attempt.item_id] + 1
    rows = [{"item_id": item, "objective_id": objective_of[item], "title": titles.get(objective_of[item], ""),
             "wrong": n} for item, n in wrong.items() if n >= RECURRING_WRONG]
    return sorted(rows, key=lambda r: (-r["wrong"], r["item_id"]))


def _zone(store: Store, learner_id: str) -> ZoneInfo:
    learner = store.get_learner(learner_id)
    try:
        return ZoneInfo(learner.timezone if learner and learner.timezone else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
