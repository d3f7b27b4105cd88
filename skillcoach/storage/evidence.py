"""The learner model in the database: attempts as evidence, mastery moved and rebuilt from the log.

Every function here runs inside a transaction of ``Store`` (it takes the SQLAlchemy session).
The attempt log is the truth: ``rebuild_objective`` folds an objective's attempts (disputed ones
left out) through the pure learner model and writes the result, the same state that recording
them one by one gave.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillcoach.curriculum.models import Item, ItemKind
from skillcoach.grading.answers import Grade, Verdict
from skillcoach.learner import review
from skillcoach.learner.bkt import Evidence, ObjectiveKnowledge
from skillcoach.learner.mastery import Change, LearnerModel, MasteryState, Observation, rebuild, step
from skillcoach.storage.models import Attempt, LearnerMisconception, ObjectiveState, ReviewCard

MAX_ID_CHARS = 200  # learner_misconceptions.misconception_id
Dependents = Callable[[str], list[str]]  # objective id -> the objectives that list it as a prerequisite


@dataclass(frozen=True)
class AttemptResult:
    """What recording one graded attempt did to its objective: mastery before and after, and the status change."""

    mastery_before: float
    mastery_after: float
    mastered: bool
    newly_mastered: bool
    duplicate: bool
    status: str = "learning"  # new | learning | provisional | mastered
    change: str = Change.NONE.value
    attempt_id: int | None = None


def attempt_details(grade: Grade, hints: int, misconceptions: list[str]) -> dict[str, Any]:
    """What the attempt keeps beside its verdict: grader, confidence, ideas found or missing, hints."""
    offline = getattr(grade, "offline", None)
    return {
        "grader": grade.grader,
        "confidence": float(getattr(grade, "confidence", 1.0)),
        "found": list(getattr(grade, "found", []) or []),
        "missing": list(getattr(grade, "missing", []) or []),
        "violations": list(getattr(grade, "violations", []) or []),
        "misconceptions": misconceptions,
        "offline": _grade_dict(offline) if offline is not None else None,
        "disputed": bool(getattr(grade, "disputed", False)),
        "hints": hints,
    }


def _grade_dict(grade: Any) -> dict[str, Any]:
    to_dict = getattr(grade, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    return {"verdict": str(grade.verdict), "score": grade.score, "grader": grade.grader,
            "confidence": float(getattr(grade, "confidence", 1.0))}


def misconceptions_of(item: Item, response: str, grade: Grade) -> list[tuple[str, str]]:
    """(id, feedback) of each misconception the answer shows: the grader's, and wrong choices' ids."""
    # Ids are short; until every grader gives ids, a longer text is cut to fit the column.
    found = [(str(m)[:MAX_ID_CHARS], grade.feedback) for m in getattr(grade, "misconceptions", []) or []]
    if item.kind in (ItemKind.MCQ, ItemKind.MULTI_SELECT):
        picked, right = set(response.split(",")), set(item.correct_keys)
        for choice in item.choices:
            ident = getattr(choice, "misconception", None)
            if ident and choice.key in picked - right:
                found.append((ident[:MAX_ID_CHARS], choice.feedback or choice.text))
    return list(dict(found).items())


def observation(attempt: Attempt, item: Item) -> Observation:
    """Turn a stored attempt into the evidence the pure learner model folds (score, confidence, hints, review)."""
    details = attempt.details or {}
    evidence = Evidence(attempt.score, float(details.get("confidence", 1.0)), int(details.get("hints", 0)))
    return Observation(item, evidence, attempt.mode == "review", review_time(attempt.created_at),
                       tuple(details.get("misconceptions", [])), attempt.objective_id)


def review_time(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def state_of(row: ObjectiveState | None) -> MasteryState:
    """Load an objective's mastery state from its row; a learner with no row starts from the empty state."""
    if row is None:
        return MasteryState()
    knowledge = ObjectiveKnowledge(p_mastery=row.p_mastery, responses=row.responses, items=frozenset(row.items),
                                   kinds=frozenset(row.kinds or []))
    return MasteryState(knowledge, _utc(row.provisional_at), _utc(row.mastered_at), frozenset(row.recheck or []),
                        row.review_misses or 0)


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else review_time(moment)


def write_state(db: Session, learner_id: str, objective_id: str, state: MasteryState, now: datetime,
                row: ObjectiveState | None = None) -> ObjectiveState:
    """Store an objective's mastery state, creating its row on the learner's first answer.

    ``row`` is the objective's row when the caller has just read it (saves reading it again).
    """
    row = row or db.get(ObjectiveState, (learner_id, objective_id))
    if row is None:
        row = ObjectiveState(learner_id=learner_id, objective_id=objective_id, p_mastery=0.0, items=[], responses=0,
                             updated_at=now, lessons=0, stuck_sessions=0, review_misses=0)
        db.add(row)
    k = state.knowledge
    row.p_mastery, row.responses, row.items, row.kinds = k.p_mastery, k.responses, sorted(k.items), sorted(k.kinds)
    row.provisional_at, row.mastered_at, row.recheck = state.provisional_at, state.mastered_at, sorted(state.recheck)
    row.review_misses = state.misses
    row.updated_at = now
    return row


def apply_attempt(db: Session, model: LearnerModel, attempt: Attempt, item: Item, dependents: Dependents,
                  mistakes: list[tuple[str, str]]) -> AttemptResult:
    """Write the attempt, then move mastery and the review card (one transaction)."""
    learner_id, objective_id, now = attempt.learner_id, attempt.objective_id, attempt.created_at
    row = db.get(ObjectiveState, (learner_id, objective_id))  # held: the session's identity map is weak
    before = state_of(row)
    after, change = step(before, observation(attempt, item), model)
    attempt.mastery_before, attempt.mastery_after = before.knowledge.p_mastery, after.knowledge.p_mastery
    db.add(attempt)  # inserted whole, its mastery with it
    db.flush()  # the unique (session, turn) check fires here, before mastery moves
    write_state(db, learner_id, objective_id, after, now, row)
    _move_card(db, attempt, before, change, dependents)
    _count_misconceptions(db, attempt, mistakes)
    return AttemptResult(before.knowledge.p_mastery, after.knowledge.p_mastery, after.mastered_at is not None,
                         change is Change.CONFIRMED, False, after.status, change.value, attempt.id)


def _move_card(db: Session, attempt: Attempt, before: MasteryState, change: Change, dependents: Dependents) -> None:
    learner_id, objective_id, now = attempt.learner_id, attempt.objective_id, attempt.created_at
    if change is Change.CONFIRMED:
        put_card(db, learner_id, objective_id, review.new_card(learner_id, objective_id, now, before.provisional_at))
    elif change is Change.REVOKED:
        drop_card(db, learner_id, objective_id)
        recheck_dependents(db, learner_id, dependents(objective_id), now)
    elif before.mastered_at is not None and attempt.mode == "review":
        card = db.get(ReviewCard, (learner_id, objective_id))
        base = card.card if card else review.new_card(learner_id, objective_id, now)
        verdict = Verdict(attempt.verdict)
        put_card(db, learner_id, objective_id, review.review(base, verdict, now))


def recheck_dependents(db: Session, learner_id: str, objective_ids: list[str], now: datetime) -> None:
    """Mastered objectives built on a revoked one come due for review now (the unmastered wait, locked)."""
    for oid in objective_ids:
        row = db.get(ReviewCard, (learner_id, oid))
        if row is not None and review_time(row.due) > now:
            card = {**row.card, "due": now.isoformat()}
            row.card, row.due = card, now


def put_card(db: Session, learner_id: str, objective_id: str, card: dict[str, Any]) -> None:
    """Save an objective's review card and its due time, creating the row if it is the first."""
    row = db.get(ReviewCard, (learner_id, objective_id))
    if row is None:
        db.add(ReviewCard(learner_id=learner_id, objective_id=objective_id, card=card, due=review.due_at(card)))
    else:
        row.card, row.due = card, review.due_at(card)


def drop_card(db: Session, learner_id: str, objective_id: str) -> None:
    """Remove an objective's review card, if it has one, so it is no longer scheduled."""
    row = db.get(ReviewCard, (learner_id, objective_id))
    if row is not None:
        db.delete(row)


def _count_misconceptions(db: Session, attempt: Attempt, mistakes: list[tuple[str, str]]) -> None:
    for ident, feedback in mistakes:
        row = db.get(LearnerMisconception, (attempt.learner_id, ident))
        if row is None:
            db.add(LearnerMisconception(learner_id=attempt.learner_id, misconception_id=ident,
                                        objective_id=attempt.objective_id, item_id=attempt.item_id,
                                        feedback=feedback, count=1, first_seen=attempt.created_at,
                                        last_seen=attempt.created_at))
        else:
            row.count, row.last_seen, row.item_id = row.count + 1, attempt.created_at, attempt.item_id
            row.feedback = feedback or row.feedback


def objective_attempts(db: Session, learner_id: str, objective_id: str) -> list[Attempt]:
    """Return the learner's attempts on one objective in the order they were made, to replay them."""
    query = (select(Attempt).where(Attempt.learner_id == learner_id, Attempt.objective_id == objective_id)
             .order_by(Attempt.created_at, Attempt.id))
    return list(db.scalars(query))


def replayed(attempts: list[Attempt], items: Mapping[str, Item], model: LearnerModel) -> MasteryState:
    """The state the log gives: every attempt that is not disputed, in order."""
    return rebuild((observation(a, items[a.item_id]) for a in attempts if not a.disputed and a.item_id in items),
                   model)


def rebuild_objective(db: Session, model: LearnerModel, learner_id: str, objective_id: str,
                      items: Mapping[str, Item], dependents: Dependents, now: datetime) -> MasteryState:
    """Recompute one objective from its log and store it; a lost mastery drops its card."""
    before = state_of(db.get(ObjectiveState, (learner_id, objective_id)))
    after = replayed(objective_attempts(db, learner_id, objective_id), items, model)
    write_state(db, learner_id, objective_id, after, now)
    if before.mastered_at is not None and after.mastered_at is None:
        drop_card(db, learner_id, objective_id)
        recheck_dependents(db, learner_id, dependents(objective_id), now)
    elif after.mastered_at is not None and db.get(ReviewCard, (learner_id, objective_id)) is None:
        put_card(db, learner_id, objective_id, review.new_card(learner_id, objective_id, after.mastered_at,
                                                                after.provisional_at))
    return after
