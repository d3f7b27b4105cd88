"""A session on a chosen objective through the Python API and the CLI (``chat --objective``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skillcoach.app.api import Coach
from skillcoach.errors import SkillcoachError
from skillcoach.learner.progress import UnknownObjective
from skillcoach.settings import Settings

pytestmark = pytest.mark.integration


def _first_unlocked_later(coach: Coach) -> str:
    """An objective without prerequisites that is not the one the planner would open on."""
    return next(o for o in coach.curriculum.order[1:] if not coach.curriculum.objective(o).prerequisites)


def _needs_prerequisite(coach: Coach) -> str:
    return next(o for o in coach.curriculum.order if coach.curriculum.objective(o).prerequisites)


def test_a_session_opens_on_the_chosen_objective(coach: Coach) -> None:
    chosen = _first_unlocked_later(coach)
    session = coach.session("ada", objective_id=chosen)
    events = session.start()
    plan = next(e for e in events if e["type"] == "plan")
    assert plan["objective_id"] == chosen and "chose" in plan["reason"]
    assert session.pending is not None and session.pending["objective_id"] == chosen
    assert coach.store.turns(session.id)[0].learner_input == {"chosen": chosen}, "replay starts the same way"


def test_an_unmet_prerequisite_is_taught_first_with_a_notice(coach: Coach) -> None:
    chosen = _needs_prerequisite(coach)
    session = coach.session("bo", objective_id=chosen)
    events = session.start()
    notice = next(e for e in events if e["type"] == "notice")
    assert coach.curriculum.objective(chosen).title in notice["text"] and notice["chosen"] == chosen
    needed = coach.curriculum.with_prerequisites([chosen]) - {chosen}
    assert session.pending is not None and session.pending["objective_id"] in needed


def test_an_unknown_objective_is_one_line_and_changes_nothing(coach: Coach) -> None:
    open_before = coach.session("cy")
    open_before.start()
    with pytest.raises(UnknownObjective) as raised:
        coach.session("cy", objective_id="no/such-thing")
    assert isinstance(raised.value, SkillcoachError) and "\n" not in str(raised.value)
    assert coach.store.active_session("cy").id == open_before.id  # type: ignore[union-attr]


@pytest.mark.slow  # two CLI processes
def test_cli_chat_objective(tmp_path: Path, coach: Coach) -> None:
    chosen = _first_unlocked_later(coach)
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path / "cli")}
    run = [sys.executable, "-m", "skillcoach", "chat", "--learner", "di", "--new-learner", "--jsonl"]
    done = subprocess.run([*run, "--objective", chosen], input='{"command": "quit"}\n', capture_output=True,
                          text=True, env=env, timeout=120)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0 and next(e for e in events if e["type"] == "plan")["objective_id"] == chosen
    bad = subprocess.run([*run, "--objective", "no/such"], capture_output=True, text=True, env=env,
                         stdin=subprocess.DEVNULL, timeout=120)
    assert bad.returncode != 0 and "unknown objective" in bad.stderr and "Traceback" not in bad.stderr
    assert bad.stderr.strip().count("\n") == 0


def test_a_session_on_a_chosen_objective_replays_identically(settings: Settings) -> None:
    from skillcoach.app.replay.engine import replay_session
    from tests.helpers import reply_for

    with Coach(settings) as coach:
        chosen = _first_unlocked_later(coach)  # not what the planner takes by itself: replay must pass it on
        session = coach.session("eve", 8, objective_id=chosen)
        session.start()
        while not session.finished:
            session.send(reply_for(coach.curriculum, session.pending))
        sid = session.id
    result = replay_session(settings, sid)
    assert result.identical, result.differences()
    assert len(result.replayed) == len(result.original) > 2
