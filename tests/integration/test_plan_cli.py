"""Bad input to the learner and plan commands: one clear line, exit 2, nothing half-written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner import review
from skillcoach.settings import Settings
from skillcoach.storage.learners import learner_ids
from skillcoach.storage.models import ObjectiveState, ReviewCard
from skillcoach.storage.plans import planned_learners
from skillcoach.storage.store import Store
from tests.conftest import CURRICULUM
from tests.plan_helpers import Result, cli

pytestmark = pytest.mark.integration
WEEK = "2026-W48"


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> Result:
        return cli(capsys, monkeypatch, tmp_path / "data", *args)

    return invoke


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(Settings(data_dir=tmp_path / "data").resolved_database_url)


def one_error_line(result: Result, expected: str) -> None:
    assert result.code == 2, result
    assert result.err.startswith("error: ") and expected in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_learner_add_list_show(run, store: Store) -> None:  # type: ignore[no-untyped-def]
    added = run("learner", "add", "ada", "--minutes", "90", "--goals", "rag", "--days", "sat;mon",
                "--timezone", "Europe/Lisbon")
    assert added.code == 0 and "added learner ada: 90 min/week" in added.out
    listed = json.loads(run("learner", "list", "--json").out)
    assert listed == [{"id": "ada", "name": "ada", "weekly_minutes": 90, "goals": ["rag"], "days": ["mon", "sat"],
                       "timezone": "Europe/Lisbon", "lang": None}]
    shown = json.loads(run("learner", "show", "ada", "--json").out)
    assert shown["objectives_mastered"] == 0 and shown["planned_weeks"] == []


@pytest.mark.parametrize(("args", "message"), [
    (("--minutes", "0"), "weekly_minutes: 0 is outside"),
    (("--minutes", "-30"), "weekly_minutes: -30 is outside"),
    (("--goals", "rag;no-such-skill"), "goals: unknown skill(s) no-such-skill"),
    (("--days", "someday"), "days: unknown day(s) someday"),
    (("--timezone", "Europe/Atlantis"), "timezone: 'Europe/Atlantis' is not an IANA time zone"),
])
def test_learner_add_refuses_bad_settings_and_writes_nothing(run, store: Store, args: tuple[str, ...],  # type: ignore[no-untyped-def]
                                                             message: str) -> None:
    one_error_line(run("learner", "add", "ada", *args), message)
    assert learner_ids(store) == []


def test_learner_add_refuses_an_existing_id(run) -> None:  # type: ignore[no-untyped-def]
    assert run("learner", "add", "ada").code == 0
    one_error_line(run("learner", "add", "ada", "--minutes", "30"), "learner 'ada' already exists")


def test_unknown_learners_are_named(run) -> None:  # type: ignore[no-untyped-def]
    one_error_line(run("plan", "weekly", "--learner", "nobody", "--week", WEEK), "no learner 'nobody'")
    one_error_line(run("plan", "show", "--learner", "nobody", "--week", WEEK), "no learner 'nobody'")
    one_error_line(run("learner", "show", "nobody"), "no learner 'nobody'")


@pytest.mark.parametrize("week", ["2026-48", "2026-W54", "next week"])
def test_a_malformed_week_plans_nothing(run, store: Store, week: str) -> None:  # type: ignore[no-untyped-def]
    run("learner", "add", "ada")
    one_error_line(run("plan", "weekly", "--all", "--week", week), "week")
    assert planned_learners(store, week) == set()


def test_whom_to_plan_must_be_said_once(run) -> None:  # type: ignore[no-untyped-def]
    one_error_line(run("plan", "weekly"), "--all or --learner ID")
    one_error_line(run("plan", "weekly", "--all", "--learner", "ada"), "--all or --learner ID")


def test_a_week_without_a_plan_says_how_to_make_one(run) -> None:  # type: ignore[no-untyped-def]
    run("learner", "add", "ada")
    one_error_line(run("plan", "show", "--learner", "ada", "--week", WEEK),
                   f"no plan for ada in {WEEK}: make it with 'skillcoach plan weekly --learner ada --week {WEEK}'")


def test_a_learner_with_everything_mastered_gets_no_plan(run, store: Store) -> None:  # type: ignore[no-untyped-def]
    run("learner", "add", "ada")
    master_everything(store, "ada", datetime(2026, 11, 28, 9, tzinfo=UTC))  # first reviews due after the week
    result = run("plan", "weekly", "--learner", "ada", "--week", WEEK, "--force")  # a past week
    assert result.code == 0
    assert "nothing to plan: ada: nothing to plan for ada in 2026-W48: every objective is mastered" in result.err
    assert f"{WEEK}: 0 planned, 0 already planned, 1 with nothing to plan, 0 failed" in result.out
    assert planned_learners(store, WEEK) == set()


def test_a_bad_cron_expression_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    one_error_line(run("schedule", "--cron", "every monday"), "bad cron expression 'every monday'")
    one_error_line(run("schedule", "--timezone", "Moon/Base"), "unknown time zone 'Moon/Base'")


def master_everything(store: Store, learner_id: str, when: datetime) -> None:
    with store.transaction() as db:
        for oid in load_curriculum(CURRICULUM).order:
            card = review.new_card(learner_id, oid, when)
            db.add(ObjectiveState(learner_id=learner_id, objective_id=oid, p_mastery=0.97, responses=3,
                                  items=["a", "b"], mastered_at=when, updated_at=when))
            db.add(ReviewCard(learner_id=learner_id, objective_id=oid, card=card, due=review.due_at(card)))


def test_learner_language_from_add_and_csv(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    added = run("learner", "add", "지민", "--lang", "ko")
    assert added.code == 0 and "language ko" in added.out, added
    assert json.loads(run("learner", "show", "지민", "--json").out)["lang"] == "ko"
    one_error_line(run("learner", "add", "bo", "--lang", "fr"), "lang: unknown language 'fr'")
    csv = tmp_path / "people.csv"
    csv.write_text("id,lang\nmina,ko\n지민,en\n", encoding="utf-8")
    assert run("learner", "import", str(csv)).code == 0
    langs = {p["id"]: p["lang"] for p in json.loads(run("learner", "list", "--json").out)}
    assert langs == {"mina": "ko", "지민": "en"}
    plan = run("plan", "weekly", "--learner", "mina", "--week", "2026-W49")
    assert plan.code == 0, plan
    shown = run("plan", "show", "--learner", "mina", "--week", "2026-W49", "--format", "md")
    assert "mina님의 2026-W49 주간 계획" in shown.out, shown
