"""Trace settings: the environment traces are filed under, and the share of turns traced."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from skillcoach.settings import Settings


def test_trace_environment_and_sample_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKILLCOACH_ENV", raising=False)
    monkeypatch.delenv("LANGFUSE_SAMPLE_RATE", raising=False)
    assert Settings().env == "development" and Settings().langfuse_sample_rate == 1.0
    monkeypatch.setenv("SKILLCOACH_ENV", "production")
    monkeypatch.setenv("LANGFUSE_SAMPLE_RATE", "0.25")
    assert Settings().env == "production" and Settings().langfuse_sample_rate == 0.25
    with pytest.raises(ValidationError):
        Settings(env="Prod Env!")
    monkeypatch.setenv("LANGFUSE_SAMPLE_RATE", "1.5")
    with pytest.raises(ValidationError):
        Settings()
