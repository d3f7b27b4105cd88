"""The learner's progress as plain data: per skill, per objective, reviews due."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.learner.bkt import ObjectiveKnowledge
from skillcoach.learner.study_stats import study_stats
from skillcoach.planning.next_step import due_reviews
from skillcoach.storage.store import Store


def progress_report(curriculum: Curriculum, store: Store, learner_id: str, now: datetime) -> dict[str, Any]:
    knowledge = store.knowledge(learner_id)
    mastered = store.mastered(learner_id)
    skills = []
    for skill in curriculum.skills:
        objectives = [_objective_row(o.id, o.title, knowledge.get(o.id), o.id in mastered) for o in skill.objectives]
        skills.append({
            "skill_id": skill.id,
            "title": skill.title,
            "mastered": sum(1 for o in objectives if o["mastered"]),
            "objectives": objectives,
        })
    attempts = store.attempts(learner_id=learner_id)
    return {
        "learner_id": learner_id,
        "objectives_mastered": len(mastered),
        "objectives_total": len(curriculum.objectives),
        "answers": len(attempts),
        "correct": sum(1 for a in attempts if a.verdict == "correct"),
        "reviews_due": [{"objective_id": oid, "recall": round(r, 3)}
                        for oid, r in due_reviews(store.review_cards(learner_id), now)],
        "skills": skills,
        **study_stats(curriculum, store, learner_id, now),
    }


def _objective_row(oid: str, title: str, k: ObjectiveKnowledge | None, mastered: bool) -> dict[str, Any]:
    return {
        "objective_id": oid,
        "title": title,
        "p_mastery": round(k.p_mastery, 3) if k else None,
        "responses": k.responses if k else 0,
        "mastered": mastered,
    }
