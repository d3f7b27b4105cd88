"""LLM economy: model calls and tokens per learner turn, with token-counting stand-in models.

Every agent gets a scripted chat model (the tests' fake) that counts the words it is sent and
returns as tokens; a scripted learner plays whole sessions. Routing is plain code, so the
figure for routing is the number of model calls made inside router functions: zero by design,
checked here by counting calls made while the routers run.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from bench import Row, figure, scratch_dir
from bench.scripted import ScriptedLearner, offline_settings
from graphs import routes
from skillcoach.app.api import Coach
from tests.fakes import ScriptedChatModel, text, tool_call

GOAL_CALLS = "<= 1.0"


def _judge(_: list[Any]) -> AIMessage:
    return tool_call("JudgeVerdict", {"verdict": "correct", "score": 0.9, "missing_points": [],
                                      "feedback": "Covers the required ideas."})


def models() -> dict[str, ScriptedChatModel]:
    return {"tutor": ScriptedChatModel(replies=[text("A lesson written for this learner, " * 20)]),
            "quiz": ScriptedChatModel(replies=[TimeoutError("no variants in this run")]),
            "reviewer": ScriptedChatModel(replies=[_judge])}


def _count_router_calls(fakes: dict[str, ScriptedChatModel]) -> list[int]:
    """Wrap the routers so any model call made while one runs is counted."""
    counted = [0]
    for name in ("route_after_planner", "route_after_tutor", "route_after_reviewer"):
        original = getattr(routes, name)

        def wrapped(state: Any, _original: Any = original) -> Any:
            before = sum(len(f.calls) for f in fakes.values())
            result = _original(state)
            counted[0] += sum(len(f.calls) for f in fakes.values()) - before
            return result
        setattr(routes, name, wrapped)
    return counted


def run(quick: bool) -> list[Row]:
    learners, turns_each = (2, 30) if quick else (20, 60)
    fakes = models()
    router_calls = _count_router_calls(fakes)
    with scratch_dir("llm") as tmp, Coach(offline_settings(tmp), models=fakes) as coach:
        for n in range(learners):
            learner = ScriptedLearner(coach, f"bench-llm-{n}", seed=n, minutes=30)
            for _ in range(turns_each):
                learner.turn()
        turns = [t for s in coach.store.list_sessions() for t in coach.store.turns(s.id)]
    calls = sum(t.llm_calls for t in turns)
    tokens = sum(t.tokens for t in turns)
    by_agent: dict[str, int] = {}
    for t in turns:
        for call in t.record.get("llm", []):
            by_agent[call["agent"]] = by_agent.get(call["agent"], 0) + 1
    detail = f"{len(turns)} turns, {learners} learners; calls by agent: {by_agent}"
    return [
        figure("LLM calls per learner turn", calls / len(turns), "calls", GOAL_CALLS, detail=detail),
        figure("Tokens per learner turn (input + output)", tokens / len(turns), "tokens"),
        figure("LLM calls made by routing", float(router_calls[0]), "calls", "<= 0"),
    ]
