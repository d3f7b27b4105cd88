"""Learners from a CSV file: header ``id,name,weekly_minutes,goals,days,timezone,lang``; only ``id`` is required.

``goals`` are skill ids and ``days`` weekdays, both separated by ';'; ``timezone`` is an IANA name.
A bad row is reported as ``line N: field: problem`` and left out; the good rows are kept. A blank
cell (or a column left out) keeps what is stored for a known learner, or the default for a new one.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from skillcoach.errors import SkillcoachError
from skillcoach.i18n import N_
from skillcoach.learner.profile import parse_fields
from skillcoach.storage.learners import LearnerUpdate
from skillcoach.storage.store import InvalidLearnerId, check_learner_id

COLUMNS = ("id", "name", "weekly_minutes", "goals", "days", "timezone", "lang")


class CsvError(SkillcoachError, ValueError):
    """The file as a whole cannot be read as a learners CSV; nothing is imported."""


@dataclass(frozen=True)
class CsvLearners:
    """The learner updates read from a CSV, and a line for each row that could not be used."""

    updates: list[LearnerUpdate]
    problems: list[str]  # one 'line N: ...' per bad row


def read_learners_csv(path: Path, known_skills: Collection[str]) -> CsvLearners:
    """Read a learners CSV file; CsvError with one line if the file cannot be read as UTF-8 CSV."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as spreadsheets write it, is not part of the header
    except FileNotFoundError:
        raise CsvError.message(N_("{path}: no such file"), path=str(path)) from None
    except UnicodeDecodeError:
        raise CsvError.message(N_("{path}: not UTF-8 text; save the CSV as UTF-8"), path=str(path)) from None
    except OSError as exc:
        raise CsvError.message(N_("{path}: cannot read it: {reason}"), path=str(path), reason=exc.strerror) from None
    return parse_learners_csv(text, known_skills, source=str(path))


def parse_learners_csv(text: str, known_skills: Collection[str], source: str = "CSV") -> CsvLearners:
    """Parse learners CSV text into updates, collecting one problem per bad row; CsvError if the CSV is malformed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = _header(next(reader, None), source)
        updates: list[LearnerUpdate] = []
        problems: list[str] = []
        first_line: dict[str, int] = {}
        for record in reader:
            if any(cell.strip() for cell in record):
                _take_row(reader.line_num, record, header, known_skills, first_line, updates, problems)
    except csv.Error as exc:
        raise CsvError.message(N_("{source}: line {line}: malformed CSV ({problem}); nothing was imported"),
                               source=source, line=reader.line_num, problem=str(exc)) from None
    return CsvLearners(updates, problems)


def _has_control(cell: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" or "\ud800" <= ch <= "\udfff" for ch in cell)


def _header(row: list[str] | None, source: str) -> list[str]:
    if row is None:
        raise CsvError.message(N_("{source}: empty file; the first row must be the header {columns}"), source=source,
                               columns=",".join(COLUMNS))
    header = [cell.strip().lower() for cell in row]
    unknown = [name for name in header if name not in COLUMNS]
    if unknown or "id" not in header or len(set(header)) != len(header):
        raise CsvError.message(N_("{source}: line 1: the header must name columns from {columns} "
                                  "(with 'id', each once); found {found}"),
                               source=source, columns=",".join(COLUMNS), found=",".join(header))
    return header


def _take_row(line: int, record: list[str], header: list[str], known_skills: Collection[str],
              first_line: dict[str, int], updates: list[LearnerUpdate], problems: list[str]) -> None:
    if len(record) > len(header):
        problems.append(f"line {line}: {len(record)} fields, but the header names {len(header)}")
        return
    raw = dict(zip(header, record + [""] * (len(header) - len(record)), strict=True))  # short row: blanks
    bad = [name for name, cell in raw.items() if _has_control(cell)]
    if bad:  # NUL and friends: Postgres refuses them in text, and terminals act on escapes
        problems.append(f"line {line}: {', '.join(bad)}: contains a control character (NUL, escape, ...)")
        return
    learner_id = raw.pop("id").strip()
    try:
        check_learner_id(learner_id)
    except InvalidLearnerId as exc:
        problems.append(f"line {line}: id: {exc}")
        return
    if learner_id in first_line:
        problems.append(f"line {line}: id: {learner_id!r} is already on line {first_line[learner_id]}")
        return
    fields, errors = parse_fields(raw, known_skills)
    if errors:
        problems.append(f"line {line}: " + "; ".join(errors))
        return
    first_line[learner_id] = line
    updates.append(LearnerUpdate(learner_id, fields))
