"""What a coach turn's trace shows: compact node summaries and names that say what happened.

Pure functions over the coach graph's state (plain dicts): a trace records the learner's input, the
event a node produced, the outcome that routes the graph and mastery before/after, never the whole state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Summary = dict[str, Any]
COACH_NODES = ("planner", "tutor", "quiz", "learner", "reviewer", "wrap_up", "enrol")
MAX_TEXT = 300  # characters of one event's text in a trace's output


def node_input(node: str, state: Any) -> Summary:
    """The few state values a node decides on (the learner's input when there is one)."""
    if not isinstance(state, dict):
        return {}
    summary = {"turn": state.get("turn"), "objective_id": state.get("objective_id"),
               "item_id": state.get("item_id") if node in ("reviewer", "tutor") else None,
               "mode": state.get("mode"), "learner_input": state.get("inbox") or None}
    if node == "reviewer":
        summary["mastery_before"] = mastery_before(state)
    return _present(summary)


def mastery_before(state: dict[str, Any]) -> float | None:
    """P(L) of the objective before this answer: the last grade on it, else its value when taken up."""
    last = state.get("last")
    if last and last.get("mastery") is not None:
        return round(float(last["mastery"]), 3)
    started = (state.get("started") or {}).get(state.get("objective_id") or "")
    return None if started is None else round(float(started), 3)


def node_output(node: str, update: Any) -> Summary:
    """The event a node put on the table, the outcome that routes the graph, and mastery after a grade."""
    if not isinstance(update, dict):
        return {}
    pending = update.get("pending") or {}
    last = update.get("last") or {}
    summary = {"event": pending.get("type"), "objective_id": update.get("objective_id"),
               "item_id": pending.get("item_id"), "outcome": update.get("outcome"),
               "learner_input": update.get("inbox") if node == "learner" else None}
    if node == "reviewer" and last:
        summary.update(verdict=last.get("verdict"), score=last.get("score"), mastery_after=_round(last.get("mastery")),
                       change=last.get("change"))
    if node == "planner":
        summary.update(mode=update.get("mode"), reason=update.get("reason"))
    return _present(summary)


def node_name(node: str, update: Any) -> str:
    """``planner: chose rag/chunking``, ``reviewer: graded partial 0.5``: what the node did, at a glance."""
    if not isinstance(update, dict):
        return node
    describe = _DESCRIBE.get(node)
    detail = describe(update) if describe else ""
    return f"{node}: {detail}" if detail else node


def turn_output(events: list[dict[str, Any]]) -> str:
    """The coach's reply as a learner reads it: each event's text, one per line, cut to MAX_TEXT."""
    lines = []
    for ev in events:
        text = str(ev.get("text") or "").strip().replace("\n", " ")
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT] + "…"
        lines.append(f"[{ev.get('type')}] {text}")
    return "\n".join(lines)


def turn_input(learner_input: Any) -> str | None:
    """The learner's input as a line: ``answer: b``, ``ask: what is …``, ``command: hint``."""
    if not learner_input or not isinstance(learner_input, dict):
        return None
    return "; ".join(f"{kind}: {text}" for kind, text in learner_input.items())


def _planner(update: dict[str, Any]) -> str:
    if update.get("objective_id") is None:
        return "nothing left to plan"
    review = " (review)" if update.get("mode") == "review" else ""
    return f"chose {update['objective_id']}{review}"


def _tutor(update: dict[str, Any]) -> str:
    pending = update.get("pending")
    if pending:
        return f"lesson ({pending.get('variant', 'full')}) {pending.get('objective_id', '')}".strip()
    if "inbox" in update:
        return "answered a question"
    return "re-taught"


def _quiz(update: dict[str, Any]) -> str:
    return f"asked {update.get('item_id')}"


def _learner(update: dict[str, Any]) -> str:
    inbox = update.get("inbox") or {}
    if "command" in inbox:
        return f"/{inbox['command']}"
    return "asked" if "ask" in inbox else "answered"


def _reviewer(update: dict[str, Any]) -> str:
    outcome = update.get("outcome")
    last = update.get("last") or {}
    if outcome == "graded" and last:
        return f"graded {last.get('verdict')} {float(last.get('score', 0.0)):g}"
    return {"ask": "question for the tutor", "wait": "waits", "continue": "moves on",
            "quit": "quit", "skipped": "skipped"}.get(str(outcome), str(outcome or ""))


def _wrap_up(update: dict[str, Any]) -> str:
    return "summary" if update.get("finished") else ""


_DESCRIBE: dict[str, Callable[[dict[str, Any]], str]] = {
    "planner": _planner, "tutor": _tutor, "quiz": _quiz, "learner": _learner, "reviewer": _reviewer,
    "wrap_up": _wrap_up}


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def _present(summary: Summary) -> Summary:
    return {key: value for key, value in summary.items() if value is not None}
