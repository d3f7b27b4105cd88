"""The loaded curriculum, indexed by id, with the prerequisite order precomputed."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from skillcoach.curriculum.citations import resolve_objective
from skillcoach.curriculum.loader import CurriculumError, Problem, read_dir
from skillcoach.curriculum.models import Item, Objective, Skill, Source
from skillcoach.curriculum.validate import check


@dataclass(frozen=True)
class Curriculum:
    """The loaded curriculum, indexed for lookups: objectives and items by id, objectives in prerequisite order."""

    skills: tuple[Skill, ...]
    objectives: dict[str, Objective] = field(repr=False)
    items: dict[str, Item] = field(repr=False)
    item_objective: dict[str, str] = field(repr=False)
    order: tuple[str, ...] = field(repr=False)  # objective ids, prerequisites first
    sources: dict[str, Source] = field(default_factory=dict, repr=False)  # source id -> record
    locale: str = "en"  # the language of every text field
    directory: Path | None = field(default=None, repr=False)  # where it was loaded from, for ``localized``

    @classmethod
    def from_skills(cls, skills: list[Skill], sources: list[Source] | None = None) -> Curriculum:
        """Index the skills; with ``sources``, every fact and objective source carries its citation."""
        by_id = {s.id: s for s in sources or []}
        if by_id:
            skills = [s.model_copy(update={"objectives": [resolve_objective(o, by_id) for o in s.objectives]})
                      for s in skills]
        ordered = sorted(skills, key=lambda s: (s.order, s.id))
        objectives = {o.id: o for s in ordered for o in s.objectives}
        items = {i.id: i for o in objectives.values() for i in o.items}
        item_objective = {i.id: o.id for o in objectives.values() for i in o.items}
        locale = ordered[0].locale if ordered else "en"
        return cls(tuple(ordered), objectives, items, item_objective, _teaching_order(ordered), by_id, locale)

    def localized(self, lang: str) -> Curriculum:
        """The same curriculum (same ids) with its text in ``lang``; English where a translation lacks a field."""
        if lang == self.locale:
            return self
        if self.directory is None:
            raise ValueError("this curriculum was not loaded from a directory; load it with load_curriculum")
        return load_curriculum(self.directory, lang)

    def skill(self, skill_id: str) -> Skill | None:
        """Return the skill with this id, or None if the curriculum has none."""
        return next((s for s in self.skills if s.id == skill_id), None)

    def objective(self, objective_id: str) -> Objective:
        """Return the objective with this id; a KeyError naming it if the curriculum has none."""
        try:
            return self.objectives[objective_id]
        except KeyError:
            raise KeyError(f"unknown objective {objective_id!r}") from None

    def item(self, item_id: str) -> Item:
        """Return the item with this id; a KeyError naming it if the curriculum has none."""
        try:
            return self.items[item_id]
        except KeyError:
            raise KeyError(f"unknown item {item_id!r}") from None

    def objectives_of(self, skill_ids: list[str] | None) -> list[str]:
        """Objective ids of these skills (all when None or empty), in teaching order."""
        if not skill_ids:
            return list(self.order)
        wanted = set(skill_ids)
        return [oid for oid in self.order if oid.split("/", 1)[0] in wanted]

    def with_prerequisites(self, objective_ids: list[str]) -> set[str]:
        """The objectives plus everything they transitively need."""
        seen: set[str] = set()
        stack = list(objective_ids)
        while stack:
            oid = stack.pop()
            if oid not in seen:
                seen.add(oid)
                stack.extend(self.objectives[oid].prerequisites)
        return seen


def _teaching_order(skills: list[Skill]) -> tuple[str, ...]:
    """Prerequisites first; otherwise the authors' order (skill order, then file order)."""
    objectives = [o for s in skills for o in s.objectives]
    position = {o.id: i for i, o in enumerate(objectives)}
    waiting = {o.id: {d for d in o.prerequisites if d in position} for o in objectives}
    ready = [position[oid] for oid, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        oid = objectives[heapq.heappop(ready)].id
        order.append(oid)
        for other, deps in waiting.items():
            if oid in deps:
                deps.discard(oid)
                if not deps:
                    heapq.heappush(ready, position[other])
    return tuple(order)


def load_curriculum(directory: Path, locale: str = "en", *, lang: str | None = None) -> Curriculum:
    """Load and check a curriculum in ``lang`` (alias of ``locale``: en, ko); raise CurriculumError on any problem."""
    return _load_cached(directory.resolve(), lang or locale)


@cache
def _load_cached(directory: Path, locale: str) -> Curriculum:
    raw = read_dir(directory, locale)
    problems: list[Problem] = check(raw, authoring_rules=False)
    if problems:
        raise CurriculumError(problems)
    loaded = Curriculum.from_skills(list(raw.skills.values()), raw.sources.sources if raw.sources else None)
    return replace(loaded, locale=locale, directory=directory)
