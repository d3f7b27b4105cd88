"""Fixtures of the node tests: one coach context (curriculum, index, tmp SQLite) for the whole run."""

from __future__ import annotations

import pytest

from agents.context import CoachContext
from tests.unit.nodes import make_context


@pytest.fixture(scope="session")
def coach_context(tmp_path_factory: pytest.TempPathFactory) -> CoachContext:
    """Built once: loading the curriculum and indexing it is not per-test work; tests use their own learners."""
    return make_context(tmp_path_factory.mktemp("nodes"))
