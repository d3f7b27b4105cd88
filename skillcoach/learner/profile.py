"""A learner's study settings (weekly budget, goals, days, time zone) and their validation.

Parsers take what a person typed (a CSV cell, a command-line option) and return the stored
value, or raise ``InvalidProfile`` with a message that names the field and says what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skillcoach.errors import SkillcoachError
from skillcoach.learner.bkt import ObjectiveKnowledge
from skillcoach.settings import LANGUAGES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
             "saturday": "sat", "sunday": "sun"}
MIN_WEEKLY_MINUTES = 10  # the shortest study block worth sitting down for
MAX_WEEKLY_MINUTES = 2400  # forty hours
MAX_NAME_CHARS = 200
DEFAULT_WEEKLY_MINUTES = 120
DEFAULT_TIMEZONE = "UTC"
LIST_SEPARATOR = ";"


class InvalidProfile(SkillcoachError, ValueError):
    """A learner setting that cannot be used; the message names the field."""


@dataclass(frozen=True)
class LearnerProfile:
    """What the coach knows of a learner: name, weekly study minutes, goal skills, study days and timezone."""

    id: str
    name: str = ""
    weekly_minutes: int = DEFAULT_WEEKLY_MINUTES
    goals: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    timezone: str = DEFAULT_TIMEZONE
    lang: str | None = None  # the coaching language; None follows SKILLCOACH_LANG, else the locale


@dataclass(frozen=True)
class StudyState:
    """What the learner knows: mastered objectives, BKT estimates, FSRS cards."""

    mastered: frozenset[str] = frozenset()
    knowledge: dict[str, ObjectiveKnowledge] = field(default_factory=dict)
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)


def parse_name(text: str) -> str:
    """Return the trimmed name; InvalidProfile if it is too long or spans lines."""
    name = text.strip()
    if len(name) > MAX_NAME_CHARS or any(ch in name for ch in "\r\n\t"):
        raise InvalidProfile(f"name: use one line of at most {MAX_NAME_CHARS} characters")
    return name


def parse_minutes(text: str | int) -> int:
    """Return the weekly study minutes as an int; InvalidProfile if not a whole number in the allowed range."""
    try:
        minutes = int(str(text).strip())
    except ValueError:
        raise InvalidProfile(f"weekly_minutes: {text!r} is not a whole number of minutes") from None
    if not MIN_WEEKLY_MINUTES <= minutes <= MAX_WEEKLY_MINUTES:
        raise InvalidProfile(f"weekly_minutes: {minutes} is outside {MIN_WEEKLY_MINUTES}-{MAX_WEEKLY_MINUTES} "
                             "(a weekly budget must be positive and at most 40 hours)")
    return minutes


def split_list(text: str) -> list[str]:
    """Split a ';'-separated profile field into its non-empty, trimmed parts."""
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def parse_days(text: str) -> tuple[str, ...]:
    """'wed;mon' -> ('mon', 'wed'): weekdays in week order, each once."""
    days = {DAY_NAMES.get(part.lower(), part.lower()) for part in split_list(text)}
    unknown = sorted(days - set(WEEKDAYS))
    if unknown:
        raise InvalidProfile(f"days: unknown day(s) {', '.join(unknown)}; use {';'.join(WEEKDAYS)}")
    return tuple(day for day in WEEKDAYS if day in days)


def parse_goals(text: str, known_skills: Collection[str]) -> tuple[str, ...]:
    """Return the goal skill ids, each once in the order given; InvalidProfile if one is not in the curriculum."""
    goals = list(dict.fromkeys(split_list(text)))
    unknown = [goal for goal in goals if goal not in known_skills]
    if unknown:
        raise InvalidProfile(f"goals: unknown skill(s) {', '.join(unknown)} "
                             "(see 'skillcoach curriculum list' for skill ids)")
    return tuple(goals)


def check_timezone(name: str) -> str:
    """Return the trimmed timezone name; InvalidProfile if it is not an IANA time zone."""
    zone = name.strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidProfile(f"timezone: {name!r} is not an IANA time zone (e.g. Europe/Berlin, UTC)") from None
    return zone


def parse_lang(text: str) -> str:
    """'KO' -> 'ko': one of the languages the coach speaks."""
    lang = text.strip().lower()
    if lang not in LANGUAGES:
        raise InvalidProfile(f"lang: unknown language {text.strip()!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def field_parsers(known_skills: Collection[str]) -> dict[str, Callable[[str], Any]]:
    """How each optional learner field is read from text."""
    return {
        "name": parse_name,
        "weekly_minutes": parse_minutes,
        "goals": lambda text: parse_goals(text, known_skills),
        "days": parse_days,
        "timezone": check_timezone,
        "lang": parse_lang,
    }


def parse_fields(raw: dict[str, str], known_skills: Collection[str]) -> tuple[dict[str, Any], list[str]]:
    """The fields given (blank ones are left out), and one problem per field that is wrong."""
    parsers = field_parsers(known_skills)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, text in raw.items():
        if not text.strip():
            continue
        try:
            values[name] = parsers[name](text)
        except InvalidProfile as exc:
            problems.append(str(exc))
    return values, problems
