"""The language seam: every sentence the coach shows is written here.

``OfflineComposer`` writes from the curriculum alone (no model, no network). A
model-backed composer implements the same protocol; nothing else changes.
"""

from __future__ import annotations

import copy
import gettext
from collections.abc import Callable
from typing import Any, Protocol

from skillcoach.curriculum.citations import citation_style, fact_line
from skillcoach.curriculum.models import Item, Objective
from skillcoach.curriculum.search import Passage
from skillcoach.grading.answers import Grade, Verdict
from skillcoach.i18n import N_, translator

UseTool = Callable[[str, dict[str, Any]], Any]  # (tool name, arguments) -> result, traced and recorded

HEADLINES = {Verdict.CORRECT: N_("Correct."), Verdict.PARTIAL: N_("Partly right."), Verdict.WRONG: N_("Not quite.")}


class Composer(Protocol):
    """What writes the coach's sentences: lessons, remediation, answers, feedback, judgements, variants, summaries."""

    name: str

    def lesson(self, objective: Objective, reason: str) -> str:
        """Write the lesson for an objective, saying why it comes now."""
    def remediation(self, objective: Objective, item: Item | None, grade: dict[str, Any] | None) -> str:
        """Re-teach an objective after wrong answers, with the last item and its grade when there is one."""
    def answer_question(self, question: str, objective_id: str | None,
                        use_tool: UseTool) -> tuple[str, list[dict[str, str]]]:
        """Answer a learner's question from the curriculum; return the answer and the passages it cites."""
    def feedback(self, item: Item, grade: Grade, mastery: float, mastered: bool) -> str:
        """Write the feedback on a graded answer, with the learner's mastery after it."""
    def judge(self, item: Item, answer: str) -> Grade | None:
        """Grade a short answer by a model's judgement, or return None to leave it to the rubric."""
    def variant(self, item: Item, objective: Objective) -> Item | None:
        """Write a fresh variant of an item the learner has seen, or return None to reuse the bank item."""
    def summary(self, stats: dict[str, Any]) -> str:
        """Write the end-of-session summary from the session's statistics."""


class OfflineComposer:
    """Composes Markdown from curriculum content."""

    name = "offline"
    lang = "en"
    translations: gettext.NullTranslations = gettext.NullTranslations()  # English: the msgids themselves

    def for_language(self, lang: str, tools: dict[str, Any] | None = None) -> OfflineComposer:
        """A copy that writes in ``lang`` (its message catalog); ``tools`` are the tools over that language."""
        bound = copy.copy(self)
        bound.lang, bound.translations = lang, translator(lang)
        return bound

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def lesson(self, objective: Objective, reason: str) -> str:
        """Write the full lesson: explanation, key points, example and the sourced figures."""
        _ = self._
        parts = [f"## {objective.title}", f"_{reason}_", objective.explanation.strip(), _("**Key points**")]
        parts += [f"- {point}" for point in objective.key_points]
        parts += [_("**Example**"), objective.example.strip()]
        if objective.facts:
            parts.append(_("**Reported figures**"))
            parts += [f"- {fact_line(f, citation_style(self.lang))}" for f in objective.facts]
        return "\n\n".join(parts)

    def remediation(self, objective: Objective, item: Item | None, grade: dict[str, Any] | None) -> str:
        """Re-teach the key points, the last question's explanation and the example."""
        _ = self._
        parts = [_("Let's go over **{title}** once more before the next question.").format(title=objective.title)]
        parts += [f"- {point}" for point in objective.key_points]
        if item is not None:
            parts.append(_("About the last question: {explanation}").format(explanation=item.explanation))
        parts.append(_("**Example**") + f"\n\n{objective.example.strip()}")
        return "\n\n".join(parts)

    def answer_question(self, question: str, objective_id: str | None,
                        use_tool: UseTool) -> tuple[str, list[dict[str, str]]]:
        """Answer from the three best curriculum passages, found with the search tool so the call is traced."""
        found = use_tool("search_curriculum", {"query": question, "k": 3})
        return self.answer(question, [Passage(kind="", **p) for p in found]), found

    def judge(self, item: Item, answer: str) -> Grade | None:
        """Return None: offline, short answers are graded by their rubric."""
        return None  # short answers are graded by their rubric

    def variant(self, item: Item, objective: Objective) -> Item | None:
        """Return None: offline, the bank item is asked as it is."""
        return None  # the bank item is used as it is

    def answer(self, question: str, passages: list[Passage]) -> str:
        """Quote the passages with their citations, or say the curriculum holds nothing rather than guess."""
        _ = self._
        if not passages:
            return _("The curriculum holds nothing on that, so I won't guess. "
                     "Try other words, or ask about the current topic.")
        lines = [_("Here is what the curriculum says:")]
        lines += [f"[{n}] {p.text} _({p.objective_id}; {p.source})_" for n, p in enumerate(passages, 1)]
        return "\n\n".join(lines)

    def feedback(self, item: Item, grade: Grade, mastery: float, mastered: bool) -> str:
        """Write the verdict's headline, the grader's feedback, the right answer if missed, and the mastery reached."""
        _ = self._
        parts = [_(HEADLINES[grade.verdict]), grade.feedback.strip()]
        if grade.verdict is not Verdict.CORRECT:
            parts.append(_("Answer: {answer}").format(answer=grade.correct_answer))
        parts.append((_("Mastery of this objective: {mastery:.0%} (mastered)") if mastered
                      else _("Mastery of this objective: {mastery:.0%}")).format(mastery=mastery))
        return "\n\n".join(parts)

    def summary(self, stats: dict[str, Any]) -> str:
        """Summarise the session in a few sentences: answers, mastered and reviewed objectives, what comes next."""
        _ = self._
        lines = [_("Session over: {answered} answer(s), {correct} correct, {partial} partly right.").format(
            answered=stats.get("answered", 0), correct=stats.get("correct", 0), partial=stats.get("partial", 0))]
        titles = stats.get("titles") or {}
        if stats.get("mastered"):
            lines.append(_("Mastered today: {titles}.").format(
                titles="; ".join(titles.get(o, o) for o in stats["mastered"])))
        if stats.get("reviewed"):
            lines.append(_("Reviewed: {titles}.").format(titles="; ".join(titles.get(o, o) for o in stats["reviewed"])))
        if stats.get("next"):
            lines.append(_("Next time: {next}.").format(next=stats["next"]))
        return " ".join(lines)
