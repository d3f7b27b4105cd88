"""Benchmarks: speed, cost and learning efficiency, measured. Run with ``python -m bench [--quick]``.

Every bench module exposes ``run(quick: bool) -> list[dict]``; each dict is one figure:
``{"name", "value", "unit", "goal" (text like "<= 2.0", or None), "ok" (bool, or None
without a goal)}`` and optionally ``"detail"`` (spread, sample size). ``figure`` builds one.
"""

from __future__ import annotations

import math
import operator
import os
import tempfile
from typing import Any

Row = dict[str, Any]

_COMPARE = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


def meets(value: float, goal: str) -> bool:
    """Whether ``value`` meets a goal written like "<= 2.0" or ">= 300"."""
    sign, _, bound = goal.strip().partition(" ")
    if sign not in _COMPARE:
        raise ValueError(f"a goal reads '<= N', '>= N', '< N' or '> N', not {goal!r}")
    return bool(_COMPARE[sign](value, float(bound)))


def figure(name: str, value: float, unit: str, goal: str | None = None, *, detail: str = "",
           ok: bool | None = None) -> Row:
    """One figure; ``ok`` follows from the goal unless a caller with a compound goal passes it."""
    if ok is None and goal is not None:
        ok = meets(value, goal)
    return {"name": name, "value": value, "unit": unit, "goal": goal, "ok": ok, "detail": detail}


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of a non-empty sample."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


def scratch_dir(prefix: str, *, in_memory: bool = False) -> tempfile.TemporaryDirectory[str]:
    """A temporary data dir; ``in_memory`` puts it on /dev/shm when there is one (no disk in the way)."""
    parent = "/dev/shm" if in_memory and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    return tempfile.TemporaryDirectory(prefix=f"skillcoach-bench-{prefix}-", dir=parent)
