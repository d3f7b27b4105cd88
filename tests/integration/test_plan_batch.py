"""The weekly batch end to end: import learners, plan everyone, idempotent, resumable, isolated."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skillcoach.app.weekly.batch import WeeklyBatch
from skillcoach.app.weekly.pool import run_weekly
from skillcoach.learner.review import utcnow
from skillcoach.settings import Settings
from skillcoach.storage.learners import LearnerUpdate, get_profile, learner_ids, upsert_learners
from skillcoach.storage.plans import get_plan, planned_learners
from skillcoach.storage.store import Store
from tests.plan_helpers import GOOD_LEARNERS, cli, write_csv

pytestmark = pytest.mark.integration
WEEK = "2030-W48"  # ahead of the machine clock: past weeks need --force


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


def crash_after(count: int) -> Callable[[dict[str, Any]], str]:
    done: list[str] = []

    def narrative(plan: dict[str, Any]) -> str:
        if len(done) == count:
            raise Crash()
        done.append(plan["learner_id"])
        return "planned"

    return narrative


def make_learners(settings: Settings, count: int, **fields: Any) -> Store:
    store = Store(settings.resolved_database_url)
    upsert_learners(store, [LearnerUpdate(f"l{n:03d}", dict(fields)) for n in range(count)], utcnow())
    return store


def test_import_then_plan_everyone_once(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    data, csv = tmp_path / "data", write_csv(tmp_path)
    imported = cli(capsys, monkeypatch, data, "learner", "import", str(csv))
    assert imported.code == 1, "bad rows make the import exit 1"
    assert "imported 3 learner(s)" in imported.out and "3 new, 0 updated; 3 bad row(s) left out" in imported.out
    assert [line.split(": ")[1] for line in imported.err.splitlines()] == ["line 5", "line 6", "line 7"]

    first = cli(capsys, monkeypatch, data, "plan", "weekly", "--all", "--week", WEEK)
    assert first.code == 0, first.err
    assert f"{WEEK}: 3 planned, 0 already planned" in first.out
    store = Store(Settings(data_dir=data).resolved_database_url)
    assert planned_learners(store, WEEK) == set(GOOD_LEARNERS)
    stamps = {lid: get_plan(store, lid, WEEK).created_at for lid in GOOD_LEARNERS}  # type: ignore[union-attr]

    second = cli(capsys, monkeypatch, data, "plan", "weekly", "--all", "--week", WEEK)
    assert second.code == 0 and f"{WEEK}: 0 planned, 3 already planned" in second.out
    assert {lid: get_plan(store, lid, WEEK).created_at for lid in GOOD_LEARNERS} == stamps  # type: ignore[union-attr]

    forced = cli(capsys, monkeypatch, data, "plan", "weekly", "--learner", "bo", "--week", WEEK, "--force")
    assert forced.code == 0 and "1 planned" in forced.out
    assert get_plan(store, "bo", WEEK).created_at > stamps["bo"]  # type: ignore[union-attr]
    assert len(planned_learners(store, WEEK)) == 3


def test_a_reimport_updates_instead_of_duplicating(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    cli(capsys, monkeypatch, data, "learner", "import", str(write_csv(tmp_path)))
    changed = write_csv(tmp_path, "id,weekly_minutes\nada,200\nnew,30\n")
    result = cli(capsys, monkeypatch, data, "learner", "import", str(changed))
    assert result.code == 0 and "1 new, 1 updated" in result.out
    store = Store(Settings(data_dir=data).resolved_database_url)
    assert learner_ids(store) == ["ada", "bo", "cy", "new"]
    ada = get_profile(store, "ada")
    assert ada.weekly_minutes == 200 and ada.goals == ("rag", "ai-agents"), "columns left out keep their values"


def test_a_run_after_a_crash_plans_only_the_rest(settings: Settings) -> None:
    store = make_learners(settings, 12)
    with WeeklyBatch(settings, store=store, narrative=crash_after(7), write_every=3) as batch:
        with pytest.raises(Crash):
            batch.run(WEEK, learner_ids(store))
    survived = planned_learners(store, WEEK)
    assert len(survived) == 6, "two whole chunks of three were written before the crash"
    with WeeklyBatch(settings, store=store, write_every=3) as batch:
        report = batch.run(WEEK, learner_ids(store))
    assert {o.learner_id for o in report.outcomes if o.status == "exists"} == survived
    assert report.count("planned") == 6 and report.ok
    assert planned_learners(store, WEEK) == set(learner_ids(store))


def test_one_learners_failure_does_not_stop_the_others(settings: Settings, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    store = make_learners(settings, 4)
    # Settings the import would refuse, as an older curriculum or a hand edit could leave them.
    upsert_learners(store, [LearnerUpdate("l001", {"goals": ["retired-skill"]}),
                            LearnerUpdate("l002", {"weekly_minutes": 0})], utcnow())
    result = cli(capsys, monkeypatch, settings.data_dir, "plan", "weekly", "--all", "--week", WEEK)
    assert result.code == 1
    assert f"{WEEK}: 2 planned, 0 already planned, 0 with nothing to plan, 2 failed" in result.out
    assert "failed: l001: learner l001 has goal skill(s) that do not exist: retired-skill" in result.err
    assert "failed: l002: learner l002 has a weekly budget of 0 minutes" in result.err
    assert "Traceback" not in result.err
    assert planned_learners(store, WEEK) == {"l000", "l003"}


def test_unexpected_errors_are_isolated_too(settings: Settings) -> None:
    store = make_learners(settings, 3)

    def flaky(plan: dict[str, Any]) -> str:
        if plan["learner_id"] == "l001":
            raise RuntimeError("the narrator fell over")
        return "fine"

    with WeeklyBatch(settings, store=store, narrative=flaky) as batch:
        report = batch.run(WEEK, learner_ids(store))
    assert [(o.learner_id, o.status) for o in report.outcomes] == [
        ("l001", "failed"), ("l000", "planned"), ("l002", "planned")]
    assert report.failed[0].message == "RuntimeError: the narrator fell over"


def test_plans_are_made_in_worker_processes(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("skillcoach.app.weekly.pool.LEARNERS_PER_WORKER", 1)
    store = make_learners(settings, 6)
    seen: list[str] = []
    report = run_weekly(settings, WEEK, learner_ids(store), workers=2, on_outcome=lambda o: seen.append(o.learner_id))
    assert report.count("planned") == 6 and sorted(seen) == learner_ids(store)
    assert planned_learners(store, WEEK) == set(learner_ids(store))
    again = run_weekly(settings, WEEK, learner_ids(store), workers=2)
    assert again.count("exists") == 6


def test_a_worker_that_dies_fails_its_learners_and_the_run_ends(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("skillcoach.app.weekly.pool.LEARNERS_PER_WORKER", 1)
    settings = Settings(data_dir=tmp_path / "data")
    store = make_learners(settings, 4)
    broken = Settings(data_dir=tmp_path / "data", curriculum_dir=tmp_path / "no-curriculum")
    report = run_weekly(broken, WEEK, learner_ids(store), workers=2)
    assert len(report.failed) == 4
    assert all("worker process stopped" in o.message for o in report.failed)


def test_plan_show_gives_markdown_json_and_a_calendar(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from icalendar import Calendar

    data = tmp_path / "data"
    cli(capsys, monkeypatch, data, "learner", "import", str(write_csv(tmp_path)))
    cli(capsys, monkeypatch, data, "plan", "weekly", "--learner", "ada", "--week", WEEK)
    shown = json.loads(cli(capsys, monkeypatch, data, "plan", "show", "-l", "ada", "--week", WEEK,
                           "--format", "json").out)
    blocks = shown["plan"]["blocks"]
    assert shown["week"] == WEEK and blocks and shown["narrative"]
    markdown = cli(capsys, monkeypatch, data, "plan", "show", "-l", "ada", "--week", WEEK).out
    assert markdown.startswith(f"# Week {WEEK} for ada") and blocks[0]["title"] in markdown
    target = tmp_path / "ada.ics"
    written = cli(capsys, monkeypatch, data, "plan", "show", "-l", "ada", "--week", WEEK, "--format", "ics",
                  "-o", str(target))
    assert written.code == 0
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert len(events) == len(blocks)
    assert {e["DTSTART"].params["TZID"] for e in events} == {"Europe/Berlin"}


def test_the_planner_model_writes_the_narrative_and_the_template_covers_failures(settings: Settings) -> None:
    from agents.weekly_planner import model_narrative
    from skillcoach.llm.prompts import LocalPrompts
    from tests.fakes import ScriptedChatModel, text

    store = make_learners(settings, 2)
    writer = ScriptedChatModel(replies=[text("This week is about retrieval."), TimeoutError("provider down")])
    with WeeklyBatch(settings, store=store, narrative=model_narrative(writer, LocalPrompts(settings.prompts_dir))) \
            as batch:
        batch.run(WEEK, learner_ids(store))
    narratives = sorted(get_plan(store, lid, WEEK).narrative for lid in learner_ids(store))
    assert "This week is about retrieval." in narratives
    assert any(n.startswith(f"Your week {WEEK}") for n in narratives), "the template after a failure"
    assert "Do not change the plan" in writer.calls[0][0].content
