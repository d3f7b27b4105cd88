"""The typed events write exactly the JSONL bytes the dict events wrote (a session recorded before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.recorded_session import RECORDED, record

TYPES = {"plan", "lesson", "question", "feedback", "answer", "notice", "error", "summary"}


def test_the_recording_meets_every_event_type() -> None:
    lines = RECORDED.read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["type"] for line in lines} == TYPES


@pytest.mark.integration
@pytest.mark.slow  # a whole scripted session: about 5 s
def test_a_recorded_session_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    expected = RECORDED.read_text(encoding="utf-8").splitlines(keepends=True)
    produced = record(tmp_path).splitlines(keepends=True)
    for number, (got, want) in enumerate(zip(produced, expected, strict=False), 1):
        assert got == want, f"line {number} differs"
    assert len(produced) == len(expected)
