"""The import-linter contracts cover every module of the core, including ones added later."""

from __future__ import annotations

import pkgutil
import tomllib
from typing import Any

import skillcoach
from skillcoach.resources import default_curriculum_dir, default_prompts_dir, running_from_checkout
from skillcoach.settings import REPO_ROOT

ENTRY_POINTS = {"app", "__main__"}  # the faces, and `python -m skillcoach`


def contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    found: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_every_core_module_is_bound_by_both_contracts() -> None:
    core = {f"skillcoach.{m.name}" for m in pkgutil.iter_modules(skillcoach.__path__)
            if m.name not in ENTRY_POINTS and not m.name.startswith("_")}
    layers, forbidden = contracts()
    bottom = {name.strip() for name in layers["layers"][-1].split(":")}
    assert core == bottom, "add the new core module to the core layer in pyproject.toml"
    assert core == set(forbidden["source_modules"]), "and to the forbidden contract's source modules"
    assert {"langgraph", "langchain", "langchain_core", "agents", "graphs", "tools", "skillcoach.app"} <= set(
        forbidden["forbidden_modules"])


def test_a_checkout_reads_its_own_curriculum_and_prompts() -> None:
    assert running_from_checkout()
    assert default_curriculum_dir() == REPO_ROOT / "config" / "curriculum"
    assert default_prompts_dir() == REPO_ROOT / "prompts"
