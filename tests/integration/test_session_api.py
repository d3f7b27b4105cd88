"""A scripted learner runs whole sessions through the Python API."""

from __future__ import annotations

from typing import Any

import pytest

from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from tests.helpers import reply_for

pytestmark = pytest.mark.integration


def run_session(coach: Coach, learner: str = "ada", minutes: int = 20, wrong_every: int = 0,
                max_turns: int = 200) -> list[dict[str, Any]]:
    session = coach.session(learner, minutes)
    events = session.start()
    turns = 0
    while not session.finished:
        turns += 1
        assert turns < max_turns, "session never ended"
        wrong = bool(wrong_every) and turns % wrong_every == 0
        events += session.send(reply_for(coach.curriculum, session.pending, wrong=wrong))
    return events


def test_a_whole_session_teaches_quizzes_grades_and_summarises(coach: Coach) -> None:
    events = run_session(coach, wrong_every=4)
    types = [e["type"] for e in events]
    assert types[0] == "plan" and types[1] == "lesson" and types[-1] == "summary"
    assert "question" in types and "feedback" in types
    feedback = [e for e in events if e["type"] == "feedback"]
    assert {f["verdict"] for f in feedback} >= {"correct", "wrong"}
    first_objective = [f for f in feedback if f["item_id"].startswith(events[1]["objective_id"] + "/")]
    right = [f["mastery"] for f in first_objective if f["verdict"] == "correct"]
    assert right == sorted(right), "mastery rises with right answers"
    assert any(f["change"] == "provisional" for f in feedback), "one session earns provisional mastery"
    assert not any(f["newly_mastered"] for f in feedback), "mastery is confirmed on a later day only"
    summary = events[-1]
    assert summary["stats"]["answered"] == len(feedback)
    assert summary["stats"]["provisional"]
    attempts = coach.store.attempts(learner_id="ada")
    assert len(attempts) == len(feedback), "every answer is one attempt row"
    assert len({(a.session_id, a.turn) for a in attempts}) == len(attempts)


def test_question_events_carry_the_protocol_fields(coach: Coach) -> None:
    session = coach.session("bo")
    session.start()
    session.command("continue")
    question = session.pending
    assert question is not None and question["type"] == "question" and question["awaiting"] is True
    for key in ("objective_id", "item_id", "kind", "choices"):
        assert key in question
    if question["kind"] != "short_answer":
        assert all(set(c) == {"key", "text"} for c in question["choices"])


def test_bad_input_changes_nothing(coach: Coach) -> None:
    session = coach.session("cy")
    session.start()
    session.command("continue")
    question = session.pending
    snapshot = coach.graph.get_state(session.config)
    bad_inputs = ["", "   ", "x" * 5000, "bad\x00answer", "\x1b[2J"]
    if question["kind"] in ("mcq", "multi_select", "true_false"):
        bad_inputs += ["zz", "42", "the first one"]
    for bad in bad_inputs:
        events = session.answer(bad)
        assert [e["type"] for e in events] == ["error"], bad
    assert session.command("dance")[0]["type"] == "error"
    assert session.ask("")[0]["type"] == "error"
    assert session.send({"nonsense": 1})[0]["type"] == "error"
    after = coach.graph.get_state(session.config)
    assert after.config["configurable"]["checkpoint_id"] == snapshot.config["configurable"]["checkpoint_id"]
    assert session.pending == question and coach.store.attempts(learner_id="cy") == []


def test_hint_progress_and_ask_keep_the_question(coach: Coach) -> None:
    session = coach.session("di")
    session.start()
    session.command("continue")
    question = session.pending
    hint = session.command("hint")
    assert hint[0]["type"] == "notice" and hint[0]["text"].startswith("Hint 1 of 3:") and hint[-1] == question
    progress = session.command("progress")
    assert progress[0]["progress"]["learner_id"] == "di" and progress[-1] == question
    answer = session.ask("What is few-shot prompting?")
    assert answer[0]["type"] == "answer" and answer[0]["citations"] and answer[-1] == question
    assert coach.store.attempts(learner_id="di") == []


def test_skip_and_quit(coach: Coach) -> None:
    session = coach.session("ed")
    session.start()
    session.command("continue")
    first = session.pending["item_id"]
    skipped = session.command("skip")
    assert skipped[0]["text"].startswith("Skipped") and session.pending["item_id"] != first
    done = session.command("quit")
    assert done[-1]["type"] == "summary" and session.finished
    assert coach.store.get_session(session.id).status == "finished"


def test_a_crash_mid_step_resumes_without_counting_twice(settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with Coach(settings) as coach:
        session = coach.session("fay")
        session.start()
        session.command("continue")
        reply = reply_for(coach.curriculum, session.pending)

        def crash(*args: Any, **kwargs: Any) -> str:
            raise RuntimeError("power cut")  # after the attempt is written, before the step completes
        monkeypatch.setattr(coach.context.composer, "feedback", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            session.send(reply)
        # The turn is one transaction (attempt, mastery, turn record): cut off, none of it is kept.
        assert coach.store.attempts(learner_id="fay") == []
        assert coach.store.turns(session.id)[-1].record.get("pending"), "the input is on record for the redo"
    monkeypatch.undo()
    with Coach(settings) as coach:
        session = coach.session("fay")
        events = session.start()
        assert events[0]["text"].startswith("Welcome back")
        assert [e["type"] for e in events].count("feedback") == 1
        attempts = coach.store.attempts(learner_id="fay")
        assert len(attempts) == 1 and coach.store.knowledge("fay")[attempts[0].objective_id].responses == 1
        assert session.pending["type"] == "question"


def test_a_new_coach_resumes_the_waiting_question(settings: Settings) -> None:
    with Coach(settings) as coach:
        session = coach.session("gus")
        session.start()
        session.command("continue")
        session.send(reply_for(coach.curriculum, session.pending))
        waiting = session.pending
        sid = session.id
    with Coach(settings) as coach:
        session = coach.session("gus")
        events = session.start()
        assert session.id == sid and events[-1] == waiting


def test_everything_mastered_ends_cleanly(coach: Coach) -> None:
    from skillcoach.learner.bkt import ObjectiveKnowledge  # noqa: F401 - documents the state touched

    coach.store.ensure_learner("hal")
    from skillcoach.storage.models import ObjectiveState
    from tests.unit.test_store import NOW
    with coach.store.transaction() as db:
        for oid in coach.curriculum.objectives:
            db.add(ObjectiveState(learner_id="hal", objective_id=oid, p_mastery=0.99, responses=3, items=[],
                                  mastered_at=NOW, updated_at=NOW))
    session = coach.session("hal")
    events = session.start()
    assert events[0]["type"] == "notice" and "Nothing is left" in events[0]["text"]
    assert events[-1]["type"] == "summary" and session.finished


def test_a_session_can_run_on_any_skill(coach: Coach) -> None:
    """A learner whose goal is one skill (its prerequisites mastered) is taught that skill."""
    from skillcoach.learner.review import utcnow
    from skillcoach.storage.learners import LearnerUpdate, upsert_learners
    from skillcoach.storage.models import ObjectiveState

    cur = coach.curriculum
    for skill in cur.skills:
        learner = f"goal-{skill.id}"
        upsert_learners(coach.store, [LearnerUpdate(learner, {"goals": [skill.id]})], utcnow())
        own = {o.id for o in skill.objectives}
        needed = cur.with_prerequisites(sorted(own)) - own
        with coach.store.transaction() as db:
            for oid in needed:
                db.add(ObjectiveState(learner_id=learner, objective_id=oid, p_mastery=0.99, responses=3,
                                      items=[], mastered_at=utcnow(), updated_at=utcnow()))
        session = coach.session(learner, minutes=5)
        events = session.start()
        assert events[0]["type"] == "plan" and events[0]["objective_id"] in own, skill.id
        session.command("continue")
        assert session.pending["type"] == "question" and session.pending["objective_id"] in own
        session.send(reply_for(cur, session.pending))


def test_a_finished_session_is_no_longer_renewed(coach: Coach) -> None:
    session = coach.session("fay")
    session.start()
    assert session.id in coach.leases.renewing()
    session.command("quit")
    assert session.finished and session.id not in coach.leases.renewing()
