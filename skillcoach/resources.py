"""Where the curriculum and prompts are: the checkout's folders, else the copies bundled in the wheel."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED = Path(__file__).resolve().parent / "_data"  # filled by setup.py when a wheel is built


def running_from_checkout() -> bool:
    """True in a clone (editable install or tests), False in an installed wheel."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "config" / "curriculum").is_dir()


def default_curriculum_dir() -> Path:
    """config/curriculum of the checkout (the source of truth), else the wheel's bundled copy."""
    return REPO_ROOT / "config" / "curriculum" if running_from_checkout() else BUNDLED / "curriculum"


def default_prompts_dir() -> Path:
    """prompts/ of the checkout, else the wheel's bundled copy."""
    return REPO_ROOT / "prompts" if running_from_checkout() else BUNDLED / "prompts"
