"""Spreading a week's study blocks over the learner's study days, with local start times.

Each day gets an even share of the budget. New objectives keep the order they were planned in
(so prerequisites come first); a review waits for the day it falls due. A day's blocks follow one
another from the usual start time, or earlier when they would run past midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Literal

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Block:
    """One sitting: learn a new objective or review a mastered one."""

    objective_id: str
    kind: Literal["learn", "review"]
    minutes: int
    reason: str  # one line, shown to the learner
    value: float = 1.0  # what the sitting is worth, for ranking by value per minute
    earliest: date | None = None  # a review's due day: not planned before it


def even_shares(budget: int, days: int) -> list[int]:
    """``budget`` minutes split over ``days``, the first days taking the remainder."""
    base, extra = divmod(budget, days)
    return [base + (1 if n < extra else 0) for n in range(days)]


def spread(blocks: list[Block], days: list[date], budget: int, start: time) -> list[tuple[date, str, Block]]:
    """(day, local HH:MM start, block) for every block, in time order."""
    reviews = sorted((b for b in blocks if b.kind == "review"), key=lambda b: b.earliest or date.min)
    learning = [b for b in blocks if b.kind == "learn"]
    placed = []
    for n, (day, share) in enumerate(zip(days, even_shares(budget, len(days)), strict=True)):
        last = n == len(days) - 1  # the last day takes whatever is left
        today: list[Block] = []
        while True:
            queue = reviews if reviews and (last or (reviews[0].earliest or day) <= day) else learning
            if not queue:
                break
            used = sum(b.minutes for b in today)
            if today and used + queue[0].minutes > share and not last:
                break
            today.append(queue.pop(0))
        placed += [(day, clock, block) for clock, block in _timed(today, start)]
    return placed


def _timed(blocks: list[Block], start: time) -> list[tuple[str, Block]]:
    total = sum(b.minutes for b in blocks)
    minute = max(0, min(start.hour * 60 + start.minute, MINUTES_PER_DAY - total))
    timed = []
    for block in blocks:
        timed.append((f"{minute // 60:02d}:{minute % 60:02d}", block))
        minute += block.minutes
    return timed
