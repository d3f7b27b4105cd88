"""Cross-file checks of a curriculum: ids, sources and dates, prerequisite DAG, authoring rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from skillcoach.curriculum.authoring import authoring_slips
from skillcoach.curriculum.loader import CLAIMS_FILE, SOURCES_FILE, Problem, RawCurriculum
from skillcoach.curriculum.models import Claim, Fact, ItemKind, Objective, Skill, Source
from skillcoach.curriculum.seeds import heading_problem

MIN_OBJECTIVES = 3
MIN_ITEMS = 6
EXPLANATION_WORDS = (150, 500)


def check(raw: RawCurriculum, *, authoring_rules: bool = True, seeds_dir: Path | None = None,
          today: dt.date | None = None) -> list[Problem]:
    """Every problem of the curriculum; an empty list means it is fit to teach from.

    With ``seeds_dir`` every heading in sources.yaml is also checked against the article's text;
    without it, facts are checked against the headings sources.yaml lists.
    """
    problems = list(raw.problems)
    sources = raw.sources.by_id() if raw.sources else {}
    claims = {c.id: c for c in raw.claims.claims} if raw.claims else {}
    if raw.sources and seeds_dir is not None:
        problems += _seed_problems(raw.sources.sources, seeds_dir)
    if raw.claims:
        problems += _claim_problems(raw.claims.claims, sources)
    problems += _duplicate_ids(raw.skills)
    refs = _Refs(sources, claims, today or dt.date.today())
    for file, skill in raw.skills.items():
        problems += _skill_problems(file, skill, refs, authoring_rules)
    problems += _graph_problems(raw.skills)
    return problems


class _Refs:
    """What facts may point at: sources (with headings), claims, and today's date."""

    def __init__(self, sources: dict[str, Source], claims: dict[str, Claim], today: dt.date):
        self.sources, self.claims, self.today = sources, claims, today


def _seed_problems(sources: list[Source], seeds_dir: Path) -> Iterator[Problem]:
    for source in sources:
        where = f"sources[{source.id}]"
        try:
            text = (seeds_dir / source.file).read_text(encoding="utf-8")
        except OSError:
            yield Problem(SOURCES_FILE, f"{where}.file", f"source text not found in {seeds_dir}")
            continue
        for heading in source.headings:
            problem = heading_problem(heading, text)
            if problem:
                yield Problem(SOURCES_FILE, f"{where}.headings", f"{heading.text!r} {problem}")


def _claim_problems(claims: list[Claim], sources: dict[str, Source]) -> Iterator[Problem]:
    seen: set[str] = set()
    for claim in claims:
        where = f"claims[{claim.id}]"
        if claim.id in seen:
            yield Problem(CLAIMS_FILE, where, f"duplicate claim id {claim.id!r}")
        seen.add(claim.id)
        source = sources.get(claim.source)
        if source is None:
            yield Problem(CLAIMS_FILE, f"{where}.source", f"unknown source {claim.source!r} (not in sources.yaml)")
        elif source.heading(claim.heading) is None:
            yield Problem(CLAIMS_FILE, f"{where}.heading", f"{claim.heading!r} is not a heading of {source.id}")


def _duplicate_ids(skills: dict[str, Skill]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for file, skill in skills.items():
        ids = [("id", skill.id)]
        for obj in skill.objectives:
            ids.append((f"objectives[{obj.id}].id", obj.id))
            ids += [(f"objectives[{obj.id}].items[{it.id}].id", it.id) for it in obj.items]
        for field, ident in ids:
            if ident in seen:
                yield Problem(file, field, f"duplicate id {ident!r} (also in {seen[ident]})")
            else:
                seen[ident] = file


def _skill_problems(file: str, skill: Skill, refs: _Refs, rules: bool) -> Iterator[Problem]:
    if file.removesuffix(".yaml") != skill.id:
        yield Problem(file, "id", f"skill id {skill.id!r} must match the file name")
    if rules and len(skill.objectives) < MIN_OBJECTIVES:
        yield Problem(file, "objectives", f"needs at least {MIN_OBJECTIVES} objectives")
    for obj in skill.objectives:
        where = f"objectives[{obj.id}]"
        if obj.skill_id != skill.id:
            yield Problem(file, f"{where}.id", f"objective id must start with '{skill.id}/'")
        for item in obj.items:
            if not item.id.startswith(obj.id + "/"):
                yield Problem(file, f"{where}.items[{item.id}].id", f"item id must start with '{obj.id}/'")
        yield from _source_problems(file, where, obj, refs)
        if rules:
            yield from _authoring_problems(file, where, obj)
            yield from authoring_slips(file, where, obj)


def _source_problems(file: str, where: str, obj: Objective, refs: _Refs) -> Iterator[Problem]:
    cited = [(f"{where}.sources", s) for s in obj.sources]
    cited += [(f"{where}.facts[{i}].source", f.source) for i, f in enumerate(obj.facts)]
    for field, ref in cited:
        source = refs.sources.get(ref.id)
        if source is None:
            yield Problem(file, field, f"unknown source {ref.id!r} (not in sources.yaml)")
        elif source.heading(ref.heading) is None:
            yield Problem(file, field, f"{ref.heading!r} is not a heading of {ref.id} (see sources.yaml)")
    for i, fact in enumerate(obj.facts):
        yield from _fact_problems(file, f"{where}.facts[{i}]", fact, refs)


def _fact_problems(file: str, where: str, fact: Fact, refs: _Refs) -> Iterator[Problem]:
    if fact.checked > refs.today:
        yield Problem(file, f"{where}.checked", f"{fact.checked} is in the future")
    if fact.as_of > fact.checked.isoformat():  # ISO strings of any precision compare in date order
        yield Problem(file, f"{where}.as_of", f"{fact.as_of} is after checked ({fact.checked})")
    for claim_id in fact.covers if refs.claims else ():  # without claims.yaml there is nothing to check against
        claim = refs.claims.get(claim_id)
        if claim is None:
            yield Problem(file, f"{where}.covers", f"unknown claim {claim_id!r} (not in claims.yaml)")


def _authoring_problems(file: str, where: str, obj: Objective) -> Iterator[Problem]:
    low, high = EXPLANATION_WORDS
    if not low <= obj.word_count <= high:
        yield Problem(file, f"{where}.explanation", f"{obj.word_count} words; needs {low}-{high}")
    if len(obj.items) < MIN_ITEMS:
        yield Problem(file, f"{where}.items", f"{len(obj.items)} items; needs at least {MIN_ITEMS}")
    kinds = {item.kind for item in obj.items}
    if ItemKind.SHORT_ANSWER not in kinds:
        yield Problem(file, f"{where}.items", "needs at least one short_answer item with a rubric")
    if len(kinds) < 3:
        yield Problem(file, f"{where}.items", "mix at least three item kinds")


def _graph_problems(skills: dict[str, Skill]) -> Iterator[Problem]:
    files = {s.id: f for f, s in skills.items()}
    objectives = {o.id: (files[s.id], o) for s in skills.values() for o in s.objectives}
    for file, skill in skills.items():
        for dep in skill.prerequisites:
            if dep not in files:
                yield Problem(file, "prerequisites", f"unknown skill {dep!r}")
    for oid, (file, obj) in objectives.items():
        for dep in obj.prerequisites:
            if dep not in objectives:
                yield Problem(file, f"objectives[{oid}].prerequisites", f"unknown objective {dep!r}")
    yield from _cycle_problems(skills, objectives)


def _cycle_problems(skills: dict[str, Skill], objectives: dict[str, tuple[str, Objective]]) -> Iterator[Problem]:
    graph = {oid: [d for d in o.prerequisites if d in objectives] for oid, (_, o) in objectives.items()}
    cycle = find_cycle(graph)
    if cycle:
        file = objectives[cycle[0]][0]
        yield Problem(file, f"objectives[{cycle[0]}].prerequisites", "prerequisite cycle: " + " -> ".join(cycle))
        for oid in sorted(unreachable(graph)):
            yield Problem(objectives[oid][0], f"objectives[{oid}]", "unreachable: depends on a prerequisite cycle")
    skill_graph = {s.id: [d for d in s.prerequisites if d in {x.id for x in skills.values()}] for s in skills.values()}
    skill_cycle = find_cycle(skill_graph)
    if skill_cycle:
        file = next(f for f, s in skills.items() if s.id == skill_cycle[0])
        yield Problem(file, "prerequisites", "skill prerequisite cycle: " + " -> ".join(skill_cycle))


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """Return the objectives of a prerequisite cycle in the graph, or None if there is no cycle."""
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        return list(exc.args[1])
    return None


def unreachable(graph: dict[str, list[str]]) -> set[str]:
    """Nodes that can never be started: on a cycle or behind one."""
    done: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node, deps in graph.items():
            if node not in done and all(d in done for d in deps):
                done.add(node)
                changed = True
    return set(graph) - done


def format_problems(problems: Iterable[Problem]) -> str:
    """Join the problems into one message, one problem a line."""
    return "\n".join(str(p) for p in problems)
