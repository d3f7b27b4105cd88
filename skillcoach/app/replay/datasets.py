"""``replay export``: recorded turns, masked, become the items of a Langfuse dataset.

One item per learner turn (turn 0, the session start, has no learner input). The item id is
derived from (dataset, session, turn), so exporting again updates items instead of adding copies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skillcoach.app.replay.engine import ReplayError, load_turns
from skillcoach.llm.langfuse_api import call, check_access
from skillcoach.settings import Settings
from skillcoach.storage.models import CoachingSession, Turn
from skillcoach.storage.store import Store, as_utc
from skillcoach.tracing.masking import mask, trace_user_id

AWAITING_CHARS = 400  # the question the learner answered: enough to recognise it in the UI
FEEDBACK_CHARS = 1500


@dataclass
class ExportResult:
    """What ``replay export`` sent."""

    dataset: str
    sessions: int = 0
    items: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def item_id(dataset: str, session_id: str, turn: int) -> str:
    """Stable per (dataset, session, turn): Langfuse item ids are global, so the dataset is part of it."""
    return "sc-" + hashlib.sha256(f"{dataset}\x00{session_id}\x00{turn}".encode()).hexdigest()[:29]


def sessions_since(store: Store, since: datetime) -> list[CoachingSession]:
    """The interactive sessions started on or after ``since``, oldest first."""
    found = [s for s in store.list_sessions() if as_utc(s.started_at) >= since and s.mode == "interactive"]
    return sorted(found, key=lambda s: as_utc(s.started_at))


def turn_item(dataset: str, session: CoachingSession, turns: list[Turn], number: int) -> dict[str, Any]:
    """The dataset item of one learner turn: input, expected output and metadata, all masked."""
    turn, before = turns[number], turns[number - 1]
    grade = turn.record.get("grade") or {}
    return {
        "id": item_id(dataset, session.id, number),
        "input": {"learner_input": mask(dict(turn.learner_input or {})), "state": _state(before, grade, number)},
        "expected_output": _expected(turn, grade),
        "metadata": {"session_id": session.id, "turn": number, "learner": trace_user_id(session.learner_id),
                     "source_trace_id": turn.trace_id, "started_at": str(turn.record.get("started_at", ""))},
    }


def _state(before: Turn, grade: dict[str, Any], number: int) -> dict[str, Any]:
    """What the coach held when the learner answered: the prompt shown, the item and its mastery."""
    events = [e for e in before.record.get("events", []) if isinstance(e, dict)]
    shown = events[-1] if events else {}
    return {"turn": number, "previous_route": list(before.record.get("route") or []),
            "awaiting": {"type": shown.get("type"), "text": _cut(mask(str(shown.get("text", ""))),
                                                                 AWAITING_CHARS)},
            "item_id": grade.get("item_id"), "mastery_before": grade.get("mastery_before")}


def _expected(turn: Turn, grade: dict[str, Any]) -> dict[str, Any]:
    feedback = grade.get("text")
    return {"route": list(turn.record.get("route") or []),
            "grade": {"verdict": grade.get("verdict"), "score": grade.get("score"), "mastery": grade.get("mastery"),
                      "grader": grade.get("grader")} if grade else None,
            "feedback": _cut(mask(feedback), FEEDBACK_CHARS) if isinstance(feedback, str) else None,
            "events": [e.get("type") for e in turn.record.get("events", []) if isinstance(e, dict)]}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def export_dataset(settings: Settings, api: Any, host: str, since: datetime, dataset: str) -> ExportResult:
    """Create (or update) ``dataset`` with one item per recorded learner turn since ``since``."""
    check_access(api, host)
    call(host, f"creating dataset {dataset!r}", lambda: api.datasets.create(
        name=dataset, description="skillcoach recorded turns (replay export)",
        metadata={"source": "skillcoach replay export"}))
    result = ExportResult(dataset)
    store = Store(settings.resolved_database_url)
    for session in sessions_since(store, since):
        try:
            _, turns = load_turns(store, session.id)
        except ReplayError as exc:
            result.skipped.append((session.id, str(exc)))
            continue
        result.sessions += 1
        for number in range(1, len(turns)):
            _send_item(api, host, dataset, turn_item(dataset, session, turns, number))
            result.items += 1
    return result


def _send_item(api: Any, host: str, dataset: str, item: dict[str, Any]) -> None:
    call(host, f"adding item {item['id']} to dataset {dataset!r}", lambda: api.dataset_items.create(
        dataset_name=dataset, id=item["id"], input=item["input"], expected_output=item["expected_output"],
        metadata=item["metadata"]))
