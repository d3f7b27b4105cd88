"""A session's transcript so far, redrawn after a reload from what the session already persists.

Each turn's record (kept for replay) holds the learner's input, the events the coach produced
(text cut to a bound) and the grade (full feedback text, verdict, mastery); the checkpointer holds,
at each wait for the learner, the whole lesson or question that was on the table (title, choices).
Together they give the exchange as the learner saw it. Event dicts are read only in the small
functions below.
"""

from __future__ import annotations

from typing import Any, cast

from langchain_core.runnables import RunnableConfig

from skillcoach.app.api import Coach, CoachSession

Event = dict[str, Any]
SHOWN_AS = {"continue": "Continue", "hint": "Hint, please", "skip": "Skip"}  # what the page echoes


def transcript(coach: Coach, session: CoachSession) -> list[Event]:
    """The events of the session's finished turns in order, the learner's own inputs as ``mine`` events.

    Each turn ends with what was put on the table (lesson or question); the caller drops the last
    one when it is still pending. A turn cut off by a crash (its record still pending) is left out.
    """
    on_table = waits_by_turn(coach, session.id)
    shown: list[Event] = []
    asked: Event | None = None
    for turn in coach.store.turns(session.id):
        record = turn.record or {}
        if record.get("pending"):
            break
        if turn.number > 0:
            shown.extend(mine(turn.learner_input or {}, asked))
        shown.extend(turn_events(record, on_table.get(turn.number)))
        asked = on_table.get(turn.number)
    return [e for e in shown if e.get("type") != "error"]


def without_pending(history: list[Event], pending: Event | None) -> list[Event]:
    """The history minus its last event when that is the event still on the table."""
    if pending is not None and history and same_event(history[-1], pending):
        return history[:-1]
    return history


def waits_by_turn(coach: Coach, session_id: str) -> dict[int, Event]:
    """The lesson or question on the table at each wait for the learner, by the turn it followed."""
    config = cast(RunnableConfig, {"configurable": {"thread_id": session_id}})
    waits: dict[int, Event] = {}
    for snapshot in coach.graph.get_state_history(config):
        values = snapshot.values or {}
        pending: Any = values.get("pending")
        if pending is not None and hasattr(pending, "wire"):
            pending = pending.wire()  # a typed event (or already its dict)
        if snapshot.next == ("learner",) and isinstance(pending, dict):
            waits.setdefault(int(values.get("turn", 0)), pending)
    return waits


def turn_events(record: dict[str, Any], waiting: Event | None) -> list[Event]:
    """One turn's events: feedback from its grade, the final lesson or question whole from the checkpoint."""
    events: list[Event] = [dict(e) for e in record.get("events") or [] if isinstance(e, dict)]
    grade = record.get("grade")
    for i, ev in enumerate(events):
        if ev.get("type") == "feedback" and isinstance(grade, dict):
            events[i] = {**ev, **grade, "type": "feedback"}
    if waiting is not None:
        last = next((i for i in range(len(events) - 1, -1, -1) if events[i].get("type") == waiting.get("type")), None)
        if last is not None:
            events[last] = dict(waiting)
    return events


def mine(learner_input: dict[str, Any], asked: Event | None) -> list[Event]:
    """The learner's input as the page echoed it: the chosen choices' text, the command, or the words."""
    for kind in ("answer", "ask", "command"):
        if kind in learner_input:
            text = str(learner_input[kind])
            if kind == "command":
                text = SHOWN_AS.get(text, text.capitalize())
            elif kind == "answer":
                text = choice_texts(text, asked)
            return [{"type": "mine", "kind": kind, "text": text}]
    return []


def choice_texts(answer: str, asked: Event | None) -> str:
    """An answer of choice keys (``a,c``) as the choices' text; free text as it is."""
    choices = (asked or {}).get("choices") or []
    by_key = {str(c.get("key")): str(c.get("text")) for c in choices if isinstance(c, dict)}
    keys = [k.strip() for k in answer.split(",")]
    if by_key and all(k in by_key for k in keys):
        return "; ".join(by_key[k] for k in keys)
    return answer


def same_event(a: Event, b: Event) -> bool:
    """Whether two events show the same thing (type and text)."""
    return a.get("type") == b.get("type") and a.get("text") == b.get("text")
