"""The language seam: every sentence the coach shows is written here.

``OfflineComposer`` writes from the curriculum alone (no model, no network). A
model-backed composer implements the same protocol; nothing else changes.
"""

from __future__ import annotations

import copy
import gettext
from collections.abc import Callable
from typing import Any, Protocol

from skillcoach.curriculum.citations import fact_line
from skillcoach.curriculum.models import Item, Objective
from skillcoach.curriculum.search import Passage
from skillcoach.grading.answers import Grade, Verdict
from skillcoach.i18n import N_, translator

UseTool = Callable[[str, dict[str, Any]], Any]  # (tool name, arguments) -> result, traced and recorded

HEADLINES = {Verdict.CORRECT: N_("Correct."), Verdict.PARTIAL: N_("Partly right."), Verdict.WRONG: N_("Not quite.")}


class Composer(Protocol):
    name: str

    def lesson(self, objective: Objective, reason: str) -> str: ...
    def remediation(self, objective: Objective, item: Item | None, grade: dict[str, Any] | None) -> str: ...
    def answer_question(self, question: str, objective_id: str | None,
                        use_tool: UseTool) -> tuple[str, list[dict[str, str]]]: ...
    def feedback(self, item: Item, grade: Grade, mastery: float, mastered: bool) -> str: ...
    def judge(self, item: Item, answer: str) -> Grade | None: ...
    def variant(self, item: Item, objective: Objective) -> Item | None: ...
    def summary(self, stats: dict[str, Any]) -> str: ...


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
        _ = self._
        parts = [f"## {objective.title}", f"_{reason}_", objective.explanation.strip(), _("**Key points**")]
        parts += [f"- {point}" for point in objective.key_points]
        parts += [_("**Example**"), objective.example.strip()]
        if objective.facts:
            parts.append(_("**Reported figures**"))
            parts += [f"- {fact_line(f)}" for f in objective.facts]
        return "\n\n".join(parts)

    def remediation(self, objective: Objective, item: Item | None, grade: dict[str, Any] | None) -> str:
        _ = self._
        parts = [_("Let's go over **{title}** once more before the next question.").format(title=objective.title)]
        parts += [f"- {point}" for point in objective.key_points]
        if item is not None:
            parts.append(_("About the last question: {explanation}").format(explanation=item.explanation))
        parts.append(_("**Example**") + f"\n\n{objective.example.strip()}")
        return "\n\n".join(parts)

    def answer_question(self, question: str, objective_id: str | None,
                        use_tool: UseTool) -> tuple[str, list[dict[str, str]]]:
        found = use_tool("search_curriculum", {"query": question, "k": 3})
        return self.answer(question, [Passage(kind="", **p) for p in found]), found

    def judge(self, item: Item, answer: str) -> Grade | None:
        return None  # short answers are graded by their rubric

    def variant(self, item: Item, objective: Objective) -> Item | None:
        return None  # the bank item is used as it is

    def answer(self, question: str, passages: list[Passage]) -> str:
        _ = self._
        if not passages:
            return _("The curriculum holds nothing on that, so I won't guess. "
                     "Try other words, or ask about the current topic.")
        lines = [_("Here is what the curriculum says:")]
        lines += [f"[{n}] {p.text} _({p.objective_id}; {p.source})_" for n, p in enumerate(passages, 1)]
        return "\n\n".join(lines)

    def feedback(self, item: Item, grade: Grade, mastery: float, mastered: bool) -> str:
        _ = self._
        parts = [_(HEADLINES[grade.verdict]), grade.feedback.strip()]
        if grade.verdict is not Verdict.CORRECT:
            parts.append(_("Answer: {answer}").format(answer=grade.correct_answer))
        parts.append((_("Mastery of this objective: {mastery:.0%} (mastered)") if mastered
                      else _("Mastery of this objective: {mastery:.0%}")).format(mastery=mastery))
        return "\n\n".join(parts)

    def summary(self, stats: dict[str, Any]) -> str:
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
