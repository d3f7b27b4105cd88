"""What ``replay list`` and ``replay show`` print: sessions, and each turn's path step by step."""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig

from skillcoach.app.api import Coach
from skillcoach.app.replay.engine import ReplayError, load_turns
from skillcoach.storage.models import Turn
from skillcoach.storage.store import Store

SUMMARY_CHARS = 160


def session_rows(store: Store, learner_id: str | None) -> list[dict[str, Any]]:
    """Return one summary row per session (turns, answers, correct, mastered, trace ids), all or one learner's."""
    rows = []
    for session in store.list_sessions(learner_id):
        turns = store.turns(session.id)
        grades: list[dict[str, Any]] = [t.record["grade"] for t in turns if t.record.get("grade")]
        rows.append({
            "session_id": session.id, "learner_id": session.learner_id, "mode": session.mode,
            "status": session.status, "started_at": session.started_at.isoformat(), "turns": len(turns),
            "answers": len(grades), "correct": sum(1 for g in grades if g["verdict"] == "correct"),
            "mastered": list(session.summary.get("mastered", [])) if session.summary else [],
            "trace_ids": [t.trace_id for t in turns],
        })
    return rows


def session_view(coach: Coach, session_id: str, turn: int | None = None) -> dict[str, Any]:
    """The session's turns (or one), joined with the checkpoints LangGraph kept for each."""
    session, turns = load_turns(coach.store, session_id)
    if turn is not None and not 0 <= turn < len(turns):
        raise ReplayError(f"turn {turn} is out of range: session {session_id} has turns 0-{len(turns) - 1}")
    checkpoints = _checkpoints_by_turn(coach, session_id)
    chosen = turns if turn is None else [turns[turn]]
    return {"session_id": session.id, "learner_id": session.learner_id, "status": session.status,
            "minutes": session.minutes,
            "turns": [_turn_view(coach, t, checkpoints.get(t.number, [])) for t in chosen]}


def _checkpoints_by_turn(coach: Coach, session_id: str) -> dict[int, list[dict[str, Any]]]:
    config: RunnableConfig = {"configurable": {"thread_id": session_id}}
    grouped: dict[int, list[dict[str, Any]]] = {}
    for snap in coach.graph.get_state_history(config):
        turn = int(snap.values.get("turn", 0)) if snap.values else 0
        grouped.setdefault(turn, []).append({
            "checkpoint_id": snap.config["configurable"]["checkpoint_id"],
            "step": (snap.metadata or {}).get("step"), "next": list(snap.next),
            "objective_id": snap.values.get("objective_id") if snap.values else None,
        })
    for steps in grouped.values():
        steps.sort(key=lambda c: c["step"] if c["step"] is not None else -1)
    return grouped


def _turn_view(coach: Coach, turn: Turn, checkpoints: list[dict[str, Any]]) -> dict[str, Any]:
    record = turn.record
    return {
        "turn": turn.number, "trace_id": turn.trace_id, "trace_url": coach.tracer.trace_url(turn.trace_id),
        "input": turn.learner_input, "route": record.get("route", []),
        "tools": [{"tool": c["tool"], "input": summarise(c.get("input")), "output": summarise(c.get("output"))}
                  for c in record.get("tools", [])],
        "llm": [{"agent": c["agent"], "model": c.get("model"), "tokens": c.get("tokens", 0),
                 "output": summarise(c.get("output"))} for c in record.get("llm", [])],
        "grade": record.get("grade"), "events": [e["type"] if isinstance(e, dict) else e
                                                 for e in record.get("events", [])],
        "checkpoints": checkpoints, "tokens": turn.tokens,
    }


def summarise(value: Any) -> str:
    """Return the value as text cut to SUMMARY_CHARS, with an ellipsis when cut."""
    text = str(value)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
