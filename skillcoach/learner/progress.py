"""The learner's progress as plain data, for every face to show.

Per skill, per objective, reviews due, recurring misconceptions, and (``evidence_report``) the
attempts behind one objective's estimate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.errors import SkillcoachError
from skillcoach.learner.mastery import MasteryState
from skillcoach.learner.study_stats import study_stats
from skillcoach.planning.next_step import due_reviews
from skillcoach.storage.store import Store

RECURRING = 2  # a misconception shown this often is called recurring
PROMPT_CHARS = 80


class UnknownObjective(SkillcoachError, KeyError):
    """Raised when a report asks for an objective the curriculum does not have; prints the message alone."""

    def __str__(self) -> str:
        return str(self.args[0])


def progress_report(curriculum: Curriculum, store: Store, learner_id: str, now: datetime) -> dict[str, Any]:
    """Report the learner's progress: mastery per skill and objective, reviews due and recurring misconceptions."""
    states = store.states(learner_id)
    skills = []
    for skill in curriculum.skills:
        objectives = [_objective_row(o.id, o.title, states.get(o.id)) for o in skill.objectives]
        skills.append({
            "skill_id": skill.id,
            "title": skill.title,
            "mastered": sum(1 for o in objectives if o["mastered"]),
            "objectives": objectives,
        })
    attempts = store.attempts(learner_id=learner_id)
    return {
        "learner_id": learner_id,
        "objectives_mastered": sum(1 for s in states.values() if s.mastered_at is not None),
        "objectives_provisional": sorted(oid for oid, s in states.items() if s.status == "provisional"),
        "objectives_total": len(curriculum.objectives),
        "answers": len(attempts),
        "correct": sum(1 for a in attempts if a.verdict == "correct"),
        "disputed": sum(1 for a in attempts if a.disputed),
        "reviews_due": [{"objective_id": oid, "recall": round(r, 3)}
                        for oid, r in due_reviews(store.review_cards(learner_id), now)],
        "misconceptions": misconception_rows(curriculum, store, learner_id),
        "skills": skills,
        **study_stats(curriculum, store, learner_id, now),
    }


def _objective_row(oid: str, title: str, state: MasteryState | None) -> dict[str, Any]:
    k = state.knowledge if state and state.knowledge.responses else None
    return {
        "objective_id": oid,
        "title": title,
        "p_mastery": round(k.p_mastery, 3) if k else None,
        "responses": k.responses if k else 0,
        "mastered": bool(state and state.mastered_at is not None),
        "status": state.status if state else "new",
    }


def misconception_rows(curriculum: Curriculum, store: Store, learner_id: str) -> list[dict[str, Any]]:
    """Misconceptions the learner has shown, most frequent first, each with the sentence to show."""
    rows = []
    for m in store.misconceptions(learner_id):
        objective = curriculum.objectives.get(m.objective_id)
        rows.append({
            "misconception_id": m.misconception_id,
            "objective_id": m.objective_id,
            "item_id": m.item_id,
            "count": m.count,
            "recurring": m.count >= RECURRING,
            "text": f"You tend to confuse this{f' in {objective.title}' if objective else ''}: {m.feedback}",
        })
    return rows


def evidence_report(curriculum: Curriculum, store: Store, learner_id: str, objective_id: str) -> dict[str, Any]:
    """Why the estimate is what it is: each attempt with its item, grader, confidence, date and effect."""
    if objective_id not in curriculum.objectives:
        raise UnknownObjective(f"unknown objective {objective_id!r} (see 'skillcoach curriculum list')")
    state = store.states(learner_id).get(objective_id) or MasteryState()
    rows = []
    for a in store.evidence(learner_id, objective_id):
        details = a.details or {}
        item = curriculum.items.get(a.item_id)
        rows.append({
            "attempt_id": a.id, "at": a.created_at.isoformat(), "item_id": a.item_id,
            "prompt": (item.prompt[:PROMPT_CHARS] if item else ""), "kind": item.kind.value if item else None,
            "mode": a.mode, "verdict": a.verdict, "score": a.score, "grader": a.grader,
            "confidence": details.get("confidence", 1.0), "hints": details.get("hints", 0),
            "disputed": a.disputed, "p_before": round(a.mastery_before, 3), "p_after": round(a.mastery_after, 3),
            "effect": round(a.mastery_after - a.mastery_before, 3),
        })
    return {
        "learner_id": learner_id, "objective_id": objective_id, "title": curriculum.objective(objective_id).title,
        "p_mastery": round(state.knowledge.p_mastery, 3), "status": state.status,
        "provisional_at": state.provisional_at.isoformat() if state.provisional_at else None,
        "mastered_at": state.mastered_at.isoformat() if state.mastered_at else None,
        "kinds_right": sorted(state.knowledge.kinds), "recheck_items": sorted(state.recheck),
        "attempts": rows,
        "note": "disputed attempts are left out of the estimate until re-graded; "
                "p_before/p_after are as recorded when the answer was graded",
    }
