"""Trace summaries: what a node's observation is named and shows, from state and update alone."""

from __future__ import annotations

from skillcoach.tracing.summaries import node_input, node_name, node_output, turn_input, turn_output
from skillcoach.tracing.turn_spans import lean

STATE = {"learner_id": "ada", "session_id": "s", "turn": 4, "objective_id": "rag/chunking", "item_id": "rag/q1",
         "mode": "learn", "inbox": {"answer": "b"}, "last": {"mastery": 0.31}, "stats": {"answered": 3},
         "worked": ["rag/chunking"], "started": {"rag/chunking": 0.1}}


def test_names_say_what_happened() -> None:
    assert node_name("planner", {"objective_id": "rag/chunking", "mode": "learn"}) == "planner: chose rag/chunking"
    assert node_name("planner", {"objective_id": None}) == "planner: nothing left to plan"
    graded = {"outcome": "graded", "last": {"verdict": "partial", "score": 0.5, "mastery": 0.4}}
    assert node_name("reviewer", graded) == "reviewer: graded partial 0.5"
    assert node_name("reviewer", {"outcome": "wait"}) == "reviewer: waits"
    assert node_name("quiz", {"item_id": "rag/q2"}) == "quiz: asked rag/q2"
    assert node_name("learner", {"inbox": {"command": "hint"}}) == "learner: /hint"
    assert node_name("tutor", {"inbox": None}) == "tutor: answered a question"
    assert node_name("other", {"x": 1}) == "other"


def test_node_input_is_a_summary_with_mastery_before() -> None:
    summary = node_input("reviewer", STATE)
    assert summary == {"turn": 4, "objective_id": "rag/chunking", "item_id": "rag/q1", "mode": "learn",
                       "learner_input": {"answer": "b"}, "mastery_before": 0.31}
    first = node_input("reviewer", {**STATE, "last": None})
    assert first["mastery_before"] == 0.1, "the first answer on an objective: P(L) when it was taken up"


def test_node_output_keeps_event_outcome_and_mastery_after() -> None:
    update = {"outcome": "graded", "pending": None, "last": {"verdict": "wrong", "score": 0.0, "mastery": 0.2345,
                                                              "change": None}, "stats": {"answered": 4}}
    assert node_output("reviewer", update) == {"outcome": "graded", "verdict": "wrong", "score": 0.0,
                                               "mastery_after": 0.234}
    quiz = node_output("quiz", {"item_id": "rag/q2", "pending": {"type": "question", "item_id": "rag/q2"}})
    assert quiz == {"event": "question", "item_id": "rag/q2"}


def test_turn_input_and_output_read_as_text() -> None:
    assert turn_input({"answer": "b"}) == "answer: b"
    assert turn_input({}) is None
    events = [{"type": "feedback", "text": "Not quite.\nThe answer is b."}, {"type": "question", "text": "Q?"}]
    out = turn_output(events)
    assert out == "[feedback] Not quite. The answer is b.\n[question] Q?"
    assert len(turn_output([{"type": "lesson", "text": "x" * 1000}])) < 320


def test_lean_metadata_drops_langgraph_plumbing() -> None:
    metadata = {"langgraph_step": 3, "langgraph_node": "quiz", "langgraph_triggers": ["x"], "thread_id": "s",
                "checkpoint_ns": "quiz:1", "turn": 4, "langfuse_session_id": "s"}
    assert lean(metadata) == {"turn": 4, "langfuse_session_id": "s", "step": 3}


def test_an_interrupt_is_the_wait_for_the_learner_and_a_failure_is_an_error() -> None:
    from langgraph.errors import GraphInterrupt, ParentCommand
    from langgraph.types import Command

    from skillcoach.tracing.turn_spans import error_level

    assert error_level(GraphInterrupt(())) == ("DEFAULT", "waits for the learner")
    assert error_level(ParentCommand(Command()))[0] == "DEFAULT", "LangGraph's control flow is no failure"
    assert error_level(ValueError("bad input")) == ("ERROR", "bad input")
