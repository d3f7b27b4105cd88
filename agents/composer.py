"""The language seam: every sentence the coach shows is written here.

``OfflineComposer`` writes from the curriculum alone (no model, no network). A
model-backed composer implements the same protocol; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from skillcoach.curriculum.citations import fact_line
from skillcoach.curriculum.models import Item, Objective
from skillcoach.curriculum.search import Passage
from skillcoach.grading.answers import Grade, Verdict

UseTool = Callable[[str, dict[str, Any]], Any]  # (tool name, arguments) -> result, traced and recorded

HEADLINES = {Verdict.CORRECT: "Correct.", Verdict.PARTIAL: "Partly right.", Verdict.WRONG: "Not quite."}


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

    def lesson(self, objective: Objective, reason: str) -> str:
        parts = [f"## {objective.title}", f"_{reason}_", objective.explanation.strip(), "**Key points**"]
        parts += [f"- {point}" for point in objective.key_points]
        parts += ["**Example**", objective.example.strip()]
        if objective.facts:
            parts.append("**Reported figures**")
            parts += [f"- {fact_line(f)}" for f in objective.facts]
        return "\n\n".join(parts)

    def remediation(self, objective: Objective, item: Item | None, grade: dict[str, Any] | None) -> str:
        parts = [f"Let's go over **{objective.title}** once more before the next question."]
        parts += [f"- {point}" for point in objective.key_points]
        if item is not None:
            parts.append(f"About the last question: {item.explanation}")
        parts.append(f"**Example**\n\n{objective.example.strip()}")
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
        if not passages:
            return ("The curriculum holds nothing on that, so I won't guess. "
                    "Try other words, or ask about the current topic.")
        lines = ["Here is what the curriculum says:"]
        lines += [f"[{n}] {p.text} _({p.objective_id}; {p.source})_" for n, p in enumerate(passages, 1)]
        return "\n\n".join(lines)

    def feedback(self, item: Item, grade: Grade, mastery: float, mastered: bool) -> str:
        parts = [HEADLINES[grade.verdict], grade.feedback.strip()]
        if grade.verdict is not Verdict.CORRECT:
            parts.append(f"Answer: {grade.correct_answer}")
        parts.append(f"Mastery of this objective: {mastery:.0%}" + (" (mastered)" if mastered else ""))
        return "\n\n".join(parts)

    def summary(self, stats: dict[str, Any]) -> str:
        answered = stats.get("answered", 0)
        lines = [f"Session over: {answered} answer(s), {stats.get('correct', 0)} correct, "
                 f"{stats.get('partial', 0)} partly right."]
        titles = stats.get("titles") or {}
        if stats.get("mastered"):
            lines.append("Mastered today: " + "; ".join(titles.get(o, o) for o in stats["mastered"]) + ".")
        if stats.get("reviewed"):
            lines.append("Reviewed: " + "; ".join(titles.get(o, o) for o in stats["reviewed"]) + ".")
        if stats.get("next"):
            lines.append(f"Next time: {stats['next']}.")
        return " ".join(lines)
