"""Running the ``skillcoach`` command in the test process, and a learners CSV to import."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from skillcoach.app.cli.app import app
from skillcoach.app.cli.errors import run_friendly

LEARNERS_CSV = """id,name,weekly_minutes,goals,days,timezone
ada,Ada Lovelace,120,rag;ai-agents,mon;wed;sat,Europe/Berlin
bo,Bo,90,,tue;thu,America/New_York
cy,Cy,45,prompt-engineering,,Asia/Tokyo
zero,Zero,0,,,
ghost,Ghost,60,no-such-skill,,
dee,Dee,60,,sun,Mars/Olympus
"""
GOOD_LEARNERS = ["ada", "bo", "cy"]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path, *args: str) -> Result:
    """``skillcoach --data-dir DATA_DIR ARGS``: exit code, stdout and stderr, as a user would see them."""
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["skillcoach", "--data-dir", str(data_dir), *args])
    code = run_friendly(app)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def write_csv(folder: Path, text: str = LEARNERS_CSV) -> Path:
    path = folder / "learners.csv"
    path.write_text(text, encoding="utf-8")
    return path
