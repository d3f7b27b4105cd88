"""Learners from CSV: good rows kept, bad rows reported line by line, file-level problems refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcoach.learner.csv_import import CsvError, parse_learners_csv, read_learners_csv
from skillcoach.learner.profile import InvalidProfile, parse_days, parse_minutes

SKILLS = {"rag", "ai-agents"}


def test_good_rows_are_read_with_every_field() -> None:
    text = ("id,name,weekly_minutes,goals,days,timezone\n"
            "ada,Ada Lovelace,90,rag;ai-agents,sat;mon,Europe/Berlin\n"
            "bo,,,,,\n")
    parsed = parse_learners_csv(text, SKILLS)
    assert parsed.problems == []
    ada, bo = parsed.updates
    assert ada.learner_id == "ada"
    assert ada.fields == {"name": "Ada Lovelace", "weekly_minutes": 90, "goals": ("rag", "ai-agents"),
                          "days": ("mon", "sat"), "timezone": "Europe/Berlin"}
    assert bo.learner_id == "bo" and bo.fields == {}, "blank cells keep stored or default values"


def test_bad_rows_are_reported_by_line_and_left_out() -> None:
    text = ("id,weekly_minutes,goals,days,timezone\n"
            "ok1,60,,,\n"
            "zero,0,,,\n"
            "negative,-15,,,\n"
            "ghost,60,no-such-skill,,\n"
            "days,60,,mon;funday,\n"
            "zone,60,,,Mars/Olympus\n"
            "bad id,60,,,\n"
            "toomany,60,,,,extra\n"
            "ok1,30,,,\n"
            "\n"
            "ok2\n")
    parsed = parse_learners_csv(text, SKILLS)
    assert [u.learner_id for u in parsed.updates] == ["ok1", "ok2"]
    lines = [p.split(":", 1)[0] for p in parsed.problems]
    assert lines == ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "line 10"]
    joined = "\n".join(parsed.problems)
    for expected in ("weekly_minutes: 0 is outside", "weekly_minutes: -15", "unknown skill(s) no-such-skill",
                     "unknown day(s) funday", "'Mars/Olympus' is not an IANA time zone", "invalid learner id",
                     "6 fields, but the header names 5", "'ok1' is already on line 2"):
        assert expected in joined


def test_several_problems_on_one_row_are_one_line() -> None:
    parsed = parse_learners_csv("id,weekly_minutes,timezone\nada,lots,Nowhere/Land\n", SKILLS)
    assert parsed.updates == []
    [problem] = parsed.problems
    assert problem.startswith("line 2: weekly_minutes:") and "; timezone:" in problem


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty file"),
    ("name,weekly_minutes\nada,60\n", "header must name"),
    ("id,colour\nada,blue\n", "header must name"),
    ("id,id\nada,ada\n", "header must name"),
    ('id,name\nada,"unterminated\n', "malformed CSV"),
])
def test_a_file_that_is_not_a_learners_csv_is_refused(text: str, message: str) -> None:
    with pytest.raises(CsvError, match=message):
        parse_learners_csv(text, SKILLS)


def test_a_spreadsheet_byte_order_mark_is_not_part_of_the_header(tmp_path: Path) -> None:
    path = tmp_path / "learners.csv"
    path.write_bytes("\ufeffid,weekly_minutes\nada,45\n".encode())
    assert read_learners_csv(path, SKILLS).updates[0].fields == {"weekly_minutes": 45}


def test_unreadable_files_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="no such file"):
        read_learners_csv(tmp_path / "missing.csv", SKILLS)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\nada,Zo\xeb\n".encode("latin-1"))
    with pytest.raises(CsvError, match="not UTF-8"):
        read_learners_csv(latin, SKILLS)


def test_day_and_budget_parsing() -> None:
    assert parse_days("Sunday; mon;MON") == ("mon", "sun")
    assert parse_minutes(" 2400 ") == 2400
    for bad in ("0", "-1", "2401", "1.5", "ten"):
        with pytest.raises(InvalidProfile):
            parse_minutes(bad)
