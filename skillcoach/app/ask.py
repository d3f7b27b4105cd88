"""``ask``: answer a free question from the curriculum's passages, with citations.

A face helper like api.py (it uses the agents' language seam), called by ``skillcoach ask``.
"""

from __future__ import annotations

from typing import Any

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.relevance import Relevance, compose_answer
from skillcoach.curriculum.search import CurriculumIndex, query_language
from skillcoach.errors import SkillcoachError
from skillcoach.grading.answers import InvalidAnswer, clean_text
from skillcoach.i18n import N_, translator
from skillcoach.settings import Settings

MAX_QUESTION_CHARS = 500
TOP_K = 3
NOTHING = N_("The curriculum has nothing on that, so I won't guess. Try other words; "
             "'skillcoach curriculum list' shows what it covers.")


class InvalidQuestion(SkillcoachError, ValueError):
    """Raised when a question is empty or has control characters."""

    pass


def answer_question(settings: Settings, question: str, composer: Any = None) -> dict[str, Any]:
    """Answer a one-off question from the curriculum, citing only passages relevant enough.

    Passages below the relevance threshold are not cited, and with none left the answer says so.

    Returns:
        {'answer', 'citations': [{skill_id, objective_id, source, text}], 'notices', 'relevance'}.
    """
    try:
        text = clean_text(question, max_chars=100_000)
    except InvalidAnswer:
        raise InvalidQuestion("the question is empty (or has control characters): ask something") from None
    lang = query_language(text)  # answered in the language asked: a Korean question gets Korean passages and text
    _ = translator(lang).gettext
    notices = []
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        notices.append(_("The question was cut to its first {max} characters.").format(max=MAX_QUESTION_CHARS))
    index = CurriculumIndex(load_curriculum(settings.curriculum_dir, settings.locale))
    relevance = Relevance(index.for_language(lang).passages, lang)
    ranked = [s for s in relevance.rank(text, index.search(text, k=TOP_K)) if s.relevance >= relevance.threshold]
    passages = [s.passage for s in ranked]
    if not passages:
        answer = _(NOTHING)
    elif composer is not None:
        answer = composer.answer(text, passages)
    else:
        answer = compose_answer(relevance, text, ranked, _)
    return {"answer": answer, "citations": [p.citation() for p in passages], "notices": notices,
            "relevance": ranked[0].relevance if ranked else 0.0}
