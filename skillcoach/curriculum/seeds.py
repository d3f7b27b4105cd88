"""The source articles' own text (the seeds), when it is on disk, to check cited headings against.

The seeds live outside the package (``shared/seeds`` beside the repository in the project
workspace). An installed wheel has no seeds: then headings are checked against the list in
``sources.yaml`` only, and ``skillcoach curriculum validate`` says so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from skillcoach.curriculum.models import Heading

SEEDS_ENV = "SKILLCOACH_SEEDS_DIR"


def find_seeds_dir(curriculum_dir: Path, env: Mapping[str, str] | None = None) -> Path | None:
    """``$SKILLCOACH_SEEDS_DIR``, else the nearest ``shared/seeds`` above the curriculum; None if absent."""
    override = (os.environ if env is None else env).get(SEEDS_ENV)
    if override:
        path = Path(override)
        return path if path.is_dir() else None
    for parent in curriculum_dir.resolve().parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


def heading_problem(heading: Heading, text: str) -> str | None:
    """Why ``heading`` is not found in the article ``text`` as its kind says, or None."""
    lines = [line.strip() for line in text.splitlines()]
    if heading.kind == "heading":
        marked = {line.lstrip("#").strip() for line in lines if line.startswith("#")}
        marked |= {line.strip("*").strip() for line in lines if line.startswith("**") and line.endswith("**")}
        return None if heading.text in marked else "is not a heading line of the article"
    if heading.kind == "name" and heading.text not in text:
        return "does not occur in the article"
    start = heading.opens or heading.text
    if any(line.startswith(start) for line in lines):
        return None
    return f"no part of the article opens with {start!r}"
