"""ISO weeks: '2026-W48' strings, parsing with a clear error, and their date range."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from skillcoach.errors import SkillcoachError

WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})$")  # ASCII digits only: '２０２６' would be a second key for one week


class InvalidWeek(SkillcoachError, ValueError):
    """Raised when a week is not an ISO week like 2026-W48."""

    pass


def iso_week(moment: datetime | date) -> str:
    """Return the ISO week (e.g. '2026-W48') a date or moment falls in."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week like '2026-W48'."""
    match = WEEK.match(text.strip())
    if not match:
        raise InvalidWeek(f"malformed week {text!r}: use the ISO form YYYY-Www, e.g. 2026-W48")
    year, week = int(match[1]), int(match[2])
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InvalidWeek(f"week {text!r} does not exist: {year} has no week {week}") from None
    return monday, monday + timedelta(days=6)
