"""``ask``: answer a free question from the curriculum's passages, with citations.

A face helper like api.py (it uses the agents' language seam), called by ``skillcoach ask``.
"""

from __future__ import annotations

from typing import Any

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.errors import SkillcoachError
from skillcoach.grading.answers import InvalidAnswer, clean_text
from skillcoach.settings import Settings

MAX_QUESTION_CHARS = 500
TOP_K = 3


class InvalidQuestion(SkillcoachError, ValueError):
    pass


def answer_question(settings: Settings, question: str, composer: Any = None) -> dict[str, Any]:
    """{'answer', 'citations': [{skill_id, objective_id, source, text}], 'notices'}."""
    from agents.composer import OfflineComposer

    try:
        text = clean_text(question, max_chars=100_000)
    except InvalidAnswer:
        raise InvalidQuestion("the question is empty (or has control characters): ask something") from None
    notices = []
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        notices.append(f"The question was cut to its first {MAX_QUESTION_CHARS} characters.")
    index = CurriculumIndex(load_curriculum(settings.curriculum_dir, settings.locale))
    passages = index.search(text, k=TOP_K)
    if not passages:
        notices.append("Nothing in the curriculum matched; English keywords work best.")
    answer = (composer or OfflineComposer()).answer(text, passages)
    return {"answer": answer, "citations": [p.citation() for p in passages], "notices": notices}
