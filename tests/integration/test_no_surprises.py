"""Each surprise of a first contact (issue 14) has a test: nothing is created, closed, planned or
reported behind the user's back, and configuration errors say which variable to set."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agents.chat_models import ModelConfigError, make_chat_model
from agents.composer import OfflineComposer
from skillcoach.app.api import Coach
from skillcoach.app.cli.progress_view import progress_view
from skillcoach.app.cli.render import render_text
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner import review
from skillcoach.learner.profile import LearnerProfile, StudyState
from skillcoach.planning.next_step import next_step
from skillcoach.planning.weekly import WeeklyPlanner
from skillcoach.settings import Settings
from skillcoach.storage.store import Store
from tests.conftest import CURRICULUM
from tests.helpers import reply_for
from tests.plan_helpers import Result, cli

pytestmark = pytest.mark.integration
CUR = load_curriculum(CURRICULUM)


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> Result:
        return cli(capsys, monkeypatch, tmp_path / "data", *args)

    return invoke


def one_line(result: Result, *expected: str) -> None:
    assert result.code == 2, result
    assert result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
    for text in expected:
        assert text in result.err, result.err


def test_jsonl_chat_on_an_unknown_learner_needs_new_learner(tmp_path: Path) -> None:
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "skillcoach", "chat", "--learner", "mee", "--jsonl"],
                            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no learner 'mee'" in result.stderr and "--new-learner" in result.stderr
    assert Store(Settings(data_dir=tmp_path).resolved_database_url).get_learner("mee") is None


def test_read_only_commands_on_an_unknown_learner_exit_non_zero_with_one_line(run) -> None:  # type: ignore[no-untyped-def]
    one_line(run("progress", "--learner", "nobody"), "no learner 'nobody'")
    one_line(run("progress", "--learner", "nobody", "--json"), "no learner 'nobody'")
    one_line(run("replay", "list", "--learner", "nobody"), "no learner 'nobody'")
    one_line(run("plan", "show", "--learner", "nobody"), "no learner 'nobody'")


def test_new_closes_the_open_session(settings: Settings) -> None:
    with Coach(settings) as coach:
        first = coach.session("ada")
        first.start()
        second = coach.session("ada", new=True)
        assert second.id != first.id
        assert coach.store.get_session(first.id).status == "closed"  # type: ignore[union-attr]
        assert coach.store.active_session("ada").id == second.id  # type: ignore[union-attr]
        assert coach.session("ada").id == second.id, "the next plain start resumes the new one"


def test_a_past_week_needs_force(run) -> None:  # type: ignore[no-untyped-def]
    assert run("learner", "add", "ada").code == 0
    one_line(run("plan", "weekly", "--learner", "ada", "--week", "2020-W10"), "2020-W10 is over", "--force")
    assert run("plan", "weekly", "--learner", "ada", "--week", "2020-W10", "--force").code == 0


def test_plans_never_place_blocks_before_now_in_the_learners_zone() -> None:
    planner = WeeklyPlanner(CUR)
    learner = LearnerProfile(id="ada", weekly_minutes=120, days=("mon", "wed", "fri"), timezone="America/New_York")
    # Wednesday 2026-11-25 at 19:00 in New York (00:00 UTC on Thursday): Monday and Wednesday's 18:00 are past.
    now = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    plan = planner.plan(learner, StudyState(), "2026-W48", now=now)
    assert plan["blocks"] and {b["day"] for b in plan["blocks"]} == {"2026-11-27"}
    morning = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 07:00 in New York: Wednesday evening is ahead
    assert "2026-11-25" in {b["day"] for b in planner.plan(learner, StudyState(), "2026-W48", now=morning)["blocks"]}


def test_replay_all_reports_sessions_it_cannot_replay_and_goes_on(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data")
    with Coach(settings) as coach:
        coach.store.ensure_learner("bo")
        empty = coach.store.open_session("bo", 20)  # opened, never started: nothing recorded
        session = coach.session("ada")
        session.start()
        session.send(reply_for(coach.curriculum, session.pending))  # type: ignore[arg-type]
    result = run("replay", "run", "--all", "--since", "2000-01-01")
    assert f"not replayed: {empty.id}" in result.out and "no recorded turns" in result.out
    assert session.id[:8] in result.out, "the next session was still replayed"
    assert result.code == 1


@pytest.mark.parametrize(("spec", "variable"), [("openai:gpt-4.1-mini", "OPENAI_API_KEY"),
                                                ("anthropic:claude-x", "ANTHROPIC_API_KEY"),
                                                ("nosuch:model", "SKILLCOACH_MODEL")])
def test_configuration_errors_name_the_variable_to_set(spec: str, variable: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "SKILLCOACH_MODEL_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ModelConfigError) as caught:
        make_chat_model(spec, Settings())
    assert variable in str(caught.value) and "\n" not in str(caught.value)


def test_missing_api_key_is_one_line_from_the_cli(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env.update(SKILLCOACH_DATA_DIR=str(tmp_path), SKILLCOACH_MODEL="openai:gpt-4.1-mini")
    result = subprocess.run([sys.executable, "-m", "skillcoach", "chat", "--learner", "a", "--jsonl",
                             "--new-learner"], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "OPENAI_API_KEY" in result.stderr and "bug" not in result.stderr


def test_the_summary_names_objectives_by_title() -> None:
    oid = "rag/why-rag" if "rag/why-rag" in CUR.objectives else next(iter(CUR.objectives))
    title = CUR.objective(oid).title
    text = OfflineComposer().summary({"answered": 3, "correct": 3, "mastered": [oid], "titles": {oid: title}})
    assert title in text and oid not in text


def test_a_review_reason_closes_its_parenthesis_once() -> None:
    oid = next(iter(CUR.objectives))
    start = datetime(2026, 11, 1, tzinfo=UTC)
    card = review.new_card("ada", oid, start)
    step = next_step(CUR, mastered={oid}, cards={oid: card}, now=start + timedelta(days=30), exclude=set())
    assert step is not None and step.mode == "review"
    assert f"({step.reason})".count(")") == 1, step.reason


def test_progress_shows_bars_forecast_streak_and_fits_80_columns(settings: Settings) -> None:
    with Coach(settings) as coach:
        session = coach.session("ada")
        session.start()
        for _ in range(4):
            session.send(reply_for(coach.curriculum, session.pending))  # type: ignore[arg-type]
        report = coach.progress("ada")
    old_keys = {"learner_id", "objectives_mastered", "objectives_total", "answers", "correct", "reviews_due",
                "skills"}
    assert old_keys <= set(report)
    assert len(report["review_forecast"]) == 14 and report["streak_days"] == 1 and report["study_days"] == 1
    assert report["minutes_studied"] >= 0 and set(report["objective_status"].values()) <= {
        "mastered", "in_progress", "ready", "locked"}
    compact = render_text([progress_view(report, detail=False)], width=80)
    lines = compact.rstrip("\n").split("\n")
    assert all(len(line.rstrip()) <= 80 for line in lines) and len(lines) <= 22
    assert "█" in compact and "14 days:" in compact and "streak 1 day" in compact


def test_a_lesson_carries_its_sections_and_a_question_on_it_does_not_resend_it(settings: Settings) -> None:
    with Coach(settings) as coach:
        session = coach.session("ada")
        lesson = next(e for e in session.start() if e["type"] == "lesson")
        sections = lesson["sections"]
        titles = [s["title"] for s in sections]
        assert titles[0].startswith("Explanation") and titles[1] == "Check your understanding"
        assert {"Key points", "Example"} <= set(titles) and all(set(s) == {"title", "text"} for s in sections)
        assert all(len(s["text"]) <= 1200 for s in sections), "each part is short enough for a screen"
        body = lesson["title"] + "".join(s["title"] + s["text"] for s in sections if s["title"] != titles[1])
        assert all(word in body for word in lesson["text"].split() if word.isalpha() and len(word) > 3)
        events = session.ask("what is a structured prompt?")
        assert [e["type"] for e in events] == ["answer", "notice"] and events[-1]["resumes"] == "lesson"
        assert sum(len(str(e)) for e in events) < len(lesson["text"]), "the lesson is not sent again"
        assert session.pending == lesson and session.command("continue")[-1]["type"] == "question"
