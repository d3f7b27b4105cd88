"""Reports for the curriculum's owner: which source claims no fact covers, which facts need re-checking."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from skillcoach.curriculum.loader import RawCurriculum
from skillcoach.curriculum.models import Claim

AGE = re.compile(r"^\s*(\d{1,5})\s*([dw])\s*$", re.IGNORECASE)


class InvalidAge(ValueError):
    """An age such as '180d' or '26w' could not be read."""


def parse_age(text: str) -> dt.timedelta:
    """'180d' -> 180 days, '26w' -> 26 weeks; anything else raises InvalidAge with a usable message."""
    match = AGE.match(text or "")
    if not match:
        raise InvalidAge(f"--stale-after {text!r}: give an age in days or weeks, e.g. 180d or 26w")
    number, unit = int(match[1]), match[2].lower()
    return dt.timedelta(days=number) if unit == "d" else dt.timedelta(weeks=number)


@dataclass(frozen=True)
class Coverage:
    """How many claims of claims.yaml the facts cover, and which ones none does."""

    total: int
    covered: int
    uncovered: tuple[Claim, ...]

    @property
    def share(self) -> float:
        """Return the covered share of the claims, 1.0 when there are none to cover."""
        return self.covered / self.total if self.total else 1.0


def coverage(raw: RawCurriculum) -> Coverage:
    """Which claims of claims.yaml at least one fact declares it covers."""
    claims = raw.claims.claims if raw.claims else []
    covered = {cid for s in raw.skills.values() for o in s.objectives for f in o.facts for cid in f.covers}
    missing = tuple(c for c in claims if c.id not in covered)
    return Coverage(len(claims), len(claims) - len(missing), missing)


@dataclass(frozen=True)
class StaleFact:
    """A fact last checked against its source longer ago than the allowed age, to be checked again."""

    file: str
    fact_id: str  # <objective-id>#f<n>, counting from 1
    checked: dt.date
    claim: str

    def __str__(self) -> str:
        return f"{self.file}: {self.fact_id}: checked {self.checked}: {self.claim[:90]}"


def stale_facts(raw: RawCurriculum, max_age: dt.timedelta, today: dt.date) -> list[StaleFact]:
    """Facts whose ``checked`` date is more than ``max_age`` before ``today``, oldest first."""
    limit = today - max_age
    found = [StaleFact(file, f"{o.id}#f{n}", f.checked, " ".join(f.claim.split()))
             for file, s in raw.skills.items() for o in s.objectives
             for n, f in enumerate(o.facts, 1) if f.checked < limit]
    return sorted(found, key=lambda s: (s.checked, s.fact_id))
