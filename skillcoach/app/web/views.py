"""Read models for the pages and the API: plain data gathered from the coach's store and planner."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from skillcoach.app.api import Coach
from skillcoach.app.replay.view import session_rows, session_view
from skillcoach.errors import SkillcoachError
from skillcoach.i18n import SOURCE_LANG, format_day, translator
from skillcoach.learner import review
from skillcoach.learner.progress import progress_report
from skillcoach.planning.export import plan_ics
from skillcoach.planning.next_step import next_step
from skillcoach.planning.weeks import iso_week, parse_week
from skillcoach.settings import Settings
from skillcoach.storage.plans import StoredPlan, get_plan
from skillcoach.storage.store import Store

FORECAST_DAYS = 30
ACTIVITY_DAYS = 84  # twelve weeks of the calendar


class PlanNotMade(SkillcoachError, ValueError):
    """The weekly planner could not plan this learner's week; the message says why."""


def sessions_of(store: Store, learner_id: str) -> list[dict[str, Any]]:
    """Return the learner's interactive sessions, oldest first, for the session list."""
    return [{"session_id": s.id, "status": s.status, "minutes": s.minutes, "started_at": s.started_at.isoformat()}
            for s in store.list_sessions(learner_id) if s.mode == "interactive"]


def dashboard(coach: Coach, learner_id: str, lang: str | None = None) -> dict[str, Any]:
    """The progress report plus the series the dashboard charts; titles and reasons in ``lang`` if given."""
    now = coach.clock()
    curriculum = coach.context_for(lang).curriculum if lang else coach.curriculum  # same ids in every language
    report = progress_report(curriculum, coach.store, learner_id, now)
    cards = coach.store.review_cards(learner_id)
    attempts = coach.store.attempts(learner_id=learner_id)
    days = [a.created_at.date() for a in attempts]
    step = next_up(coach, learner_id)
    return {**report,
            "forecast": review_forecast(cards, now),
            "activity": activity(days, now.date()),
            "accuracy": accuracy_by_day([(a.created_at.date(), a.verdict == "correct") for a in attempts]),
            "next": step and {"objective_id": step.objective_id, "mode": step.mode,
                              "reason": shown_reason(step, translator(lang).gettext) if lang else step.reason,
                              "title": curriculum.objective(step.objective_id).title}}


def shown_reason(step: Any, gettext: Callable[[str], str]) -> str:
    """Why the planner takes this step, in the language of ``gettext`` (its msgid filled with its values)."""
    return gettext(step.reason_msgid).format(**step.reason_args) if step.reason_msgid else str(step.reason)


def next_up(coach: Coach, learner_id: str) -> Any:
    """What the planner will open a session on: due reviews, then this week's plan, then the fringe."""
    now = coach.clock()
    plan = coach.store.weekly_plan(learner_id, iso_week(now))
    return next_step(coach.curriculum, mastered=coach.store.mastered(learner_id),
                     cards=coach.store.review_cards(learner_id), now=now, exclude=set(),
                     goals=_goals(coach.store, learner_id), planned=plan["blocks"] if plan else None)


def _goals(store: Store, learner_id: str) -> list[str] | None:
    row = store.get_learner(learner_id)
    return list(row.goals) if row and row.goals else None


def review_forecast(cards: dict[str, dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Reviews falling due on each of the next 30 days (overdue ones count today)."""
    counts: Counter[int] = Counter()
    for card in cards.values():
        offset = (review.due_at(card).date() - now.date()).days
        if offset < FORECAST_DAYS:
            counts[max(0, offset)] += 1
    return [{"date": (now.date() + timedelta(days=d)).isoformat(), "due": counts[d]} for d in range(FORECAST_DAYS)]


def activity(days: list[date], today: date) -> list[dict[str, Any]]:
    """Answers per day over the last twelve weeks, oldest first."""
    counts = Counter(days)
    first = today - timedelta(days=ACTIVITY_DAYS - 1)
    return [{"date": (first + timedelta(days=d)).isoformat(), "answers": counts[first + timedelta(days=d)]}
            for d in range(ACTIVITY_DAYS)]


def accuracy_by_day(graded: list[tuple[date, bool]]) -> list[dict[str, Any]]:
    """Share of right answers on each day the learner answered."""
    total: Counter[date] = Counter(day for day, _ in graded)
    right: Counter[date] = Counter(day for day, ok in graded if ok)
    return [{"date": day.isoformat(), "answers": total[day], "accuracy": round(right[day] / total[day], 3)}
            for day in sorted(total)]


def this_week(coach: Coach) -> str:
    """Return the ISO week of the coach's clock."""
    return iso_week(coach.clock())


def plan_of(store: Store, learner_id: str, week: str) -> StoredPlan | None:
    """Return the learner's plan for the week, or None; InvalidWeek if the week is malformed."""
    parse_week(week)
    return get_plan(store, learner_id, week)


def plan_ics_of(store: Store, learner_id: str, week: str) -> bytes | None:
    """Return the learner's plan for the week as an iCalendar file, or None if there is no plan."""
    stored = plan_of(store, learner_id, week)
    return None if stored is None else plan_ics(stored.plan, stored.narrative, stored.created_at)


def make_plan(settings: Settings, store: Store, learner_id: str, week: str) -> None:
    """Run the weekly planner for this learner and week (nothing happens if a plan exists)."""
    from skillcoach.app.weekly.batch import WeeklyBatch

    parse_week(week)
    with WeeklyBatch(settings, store=store) as batch:
        report = batch.run(week, [learner_id])
    failed = [o for o in report.outcomes if o.status in ("failed", "nothing")]
    if failed:
        raise PlanNotMade(f"No plan for {week}: {failed[0].message}")


def plan_everyone(settings: Settings, store: Store, week: str) -> dict[str, int]:
    """The weekly batch for every learner (those already planned are skipped): counts by outcome."""
    from skillcoach.app.weekly.batch import WeeklyBatch
    from skillcoach.storage.learners import learner_ids

    parse_week(week)
    with WeeklyBatch(settings, store=store) as batch:
        report = batch.run(week, learner_ids(store))
    return {status: report.count(status) for status in ("planned", "exists", "nothing", "failed")}


def replay_rows(store: Store, learner_id: str | None) -> list[dict[str, Any]]:
    """Return the recorded sessions as summary rows, all of them or one learner's."""
    return session_rows(store, learner_id)


def replay_view(coach: Coach, session_id: str) -> dict[str, Any]:
    """Return a recorded session turn by turn, for the replay page."""
    return session_view(coach, session_id)


def blocks_by_day(plan: dict[str, Any], next_objective: str | None = None, lang: str = SOURCE_LANG,
                  ) -> list[dict[str, Any]]:
    """The plan's blocks grouped by day, each day labelled (e.g. 'Monday 23 November').

    The first learning block on ``next_objective`` (what a new session will open on) is marked ``next_up``.
    """
    days: dict[str, list[dict[str, Any]]] = {}
    marked = False
    for block in plan["blocks"]:
        start = datetime.combine(date.min, datetime.strptime(block["start"], "%H:%M").time())
        is_next = not marked and block["kind"] == "learn" and block.get("objective_id") == next_objective
        marked = marked or is_next
        days.setdefault(block["day"], []).append(
            {**block, "end": f"{start + timedelta(minutes=block['minutes']):%H:%M}", "next_up": is_next})
    return [{"day": day, "label": format_day(date.fromisoformat(day), "long", lang), "blocks": blocks}
            for day, blocks in days.items()]


def replay_run(settings: Settings, session_id: str) -> dict[str, Any]:
    """``replay run``: re-run the session on a scratch copy and line the turns up side by side."""
    from skillcoach.app.replay.engine import COMPARED, replay_session

    result = replay_session(settings, session_id)
    replayed = {o.turn: o for o in result.replayed}
    turns = []
    for orig in result.original:
        new = replayed.get(orig.turn)
        fields = [{"name": name, "original": _shown(getattr(orig, name)),
                   "replayed": _shown(getattr(new, name)) if new else "(no turn)",
                   "changed": new is None or getattr(orig, name) != getattr(new, name)} for name in COMPARED]
        turns.append({"turn": orig.turn, "input": orig.learner_input, "fields": fields,
                      "changed": any(f["changed"] for f in fields)})
    return {"session_id": session_id, "replay_session_id": result.replay_session_id,
            "identical": result.identical, "differences": len(result.differences()),
            "notices": result.notices, "turns": turns}


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, tuple | list):
        return " → ".join(map(str, value))
    return str(value)


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI document's operations as rows: method, path, summary, description, parameters, body."""
    rows = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            rows.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                         "description": op.get("description", ""),
                         "parameters": [f"{p['name']} ({p['in']})" for p in op.get("parameters", [])],
                         "body": body.get("$ref", "").rsplit("/", 1)[-1],
                         "responses": sorted(op.get("responses", {}))})
    return rows
