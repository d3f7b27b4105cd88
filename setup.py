"""Packaging glue: the curriculum and prompts ship inside the wheel, copied from their one source in git.

``config/curriculum`` and ``prompts`` stay where authors edit them; building a wheel copies them to
``skillcoach/_data/`` so an installed skillcoach finds them without the repository
(``skillcoach.resources``). Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = {"curriculum": HERE / "config" / "curriculum", "prompts": HERE / "prompts"}
SKIPPED = shutil.ignore_patterns("__pycache__", "*.py", "*.pyc")  # prompts/ is data, not code


class BuildWithData(build_py):
    """build_py that also copies the curriculum and prompts into skillcoach/_data (not in editable mode,
    where the checkout itself is used)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name, source in BUNDLED.items():
            target = Path(self.build_lib) / "skillcoach" / "_data" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=SKIPPED)


setup(cmdclass={"build_py": BuildWithData})
