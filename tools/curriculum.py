"""Tools over the curriculum: read an objective, search passages, list practice items."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import BaseTool, tool

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.citations import citation_style, cite, cite_fields
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.grading.answers import display_choices


def curriculum_tools(curriculum: Curriculum, index: CurriculumIndex) -> list[BaseTool]:
    """Build the curriculum tools the agents call: read an objective, search with citations, list its items."""
    @tool
    def get_objective(objective_id: str) -> dict[str, Any]:
        """Read one learning objective: title, explanation, key points, example and sourced facts."""
        try:
            obj = curriculum.objective(objective_id)
        except KeyError as exc:
            return {"error": str(exc)}
        style = citation_style(curriculum.locale)
        return {
            "id": obj.id,
            "title": obj.title,
            "minutes": obj.minutes,
            "explanation": obj.explanation,
            "key_points": list(obj.key_points),
            "example": obj.example,
            "facts": [{"claim": f.claim, "as_of": f.as_of, "since": f.since, "source": cite(f.source, style),
                       **cite_fields(f.source)} for f in obj.facts],
            "prerequisites": list(obj.prerequisites),
        }

    @tool
    def search_curriculum(query: str, k: int = 3) -> list[dict[str, str]]:
        """Search the curriculum for passages relevant to a question; each result is citable."""
        return [p.citation() for p in index.search(query, k=max(1, min(k, 8)))]

    @tool
    def list_practice_items(objective_id: str) -> list[dict[str, Any]]:
        """The practice items of an objective (without answers): id, kind, difficulty, prompt, choices."""
        try:
            obj = curriculum.objective(objective_id)
        except KeyError as exc:
            return [{"error": str(exc)}]
        return [{"id": i.id, "kind": i.kind.value, "difficulty": i.difficulty, "prompt": i.prompt,
                 "choices": display_choices(i)} for i in obj.items]

    return [get_objective, search_curriculum, list_practice_items]
