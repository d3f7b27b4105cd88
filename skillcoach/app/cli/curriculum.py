"""``skillcoach curriculum validate|list|show`` and ``skillcoach ask``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
import yaml

from skillcoach.app.cli.app import app, curriculum_app, settings
from skillcoach.app.cli.errors import UserError

if TYPE_CHECKING:
    from pathlib import Path

    from skillcoach.curriculum.catalog import Curriculum


@curriculum_app.command("validate")
def validate(
    show_coverage: Annotated[bool, typer.Option(
        "--coverage", help="Report the share of source claims (claims.yaml) that facts cover; list the rest.")] = False,
    stale_after: Annotated[str | None, typer.Option(
        "--stale-after", metavar="AGE", help="List facts last checked longer ago than AGE (e.g. 180d, 26w).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings (e.g. give-away choices) as problems.")]
    = False,
) -> None:
    """Check every curriculum file; print 'file: field: problem' lines and exit 1 on any."""
    import datetime as dt

    from skillcoach.curriculum.audit import InvalidAge, parse_age
    from skillcoach.curriculum.authoring import giveaway_warnings, right_is_longest
    from skillcoach.curriculum.bilingual import check_languages
    from skillcoach.curriculum.loader import read_dir
    from skillcoach.curriculum.seeds import SEEDS_ENV, find_seeds_dir
    from skillcoach.curriculum.validate import check

    try:
        max_age = parse_age(stale_after) if stale_after is not None else None
    except InvalidAge as exc:
        raise UserError(str(exc)) from None
    conf = settings()
    today = dt.date.today()
    raw = read_dir(conf.curriculum_dir, conf.locale)
    seeds_dir = find_seeds_dir(conf.curriculum_dir)
    if seeds_dir is None:
        typer.echo(f"note: source texts not found (no shared/seeds above {conf.curriculum_dir}, {SEEDS_ENV} unset); "
                   "headings checked against sources.yaml only", err=True)
    problems = check(raw, seeds_dir=seeds_dir, today=today)
    warnings = [w for file, skill in raw.skills.items() for o in skill.objectives for w in giveaway_warnings(file, o)]
    problems += check_languages(conf.curriculum_dir)  # every translation complete and consistent with English
    for problem in problems:
        typer.echo(str(problem))
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    longest, mcqs = right_is_longest([o for s in raw.skills.values() for o in s.objectives])
    if mcqs and longest > mcqs / 2:
        typer.echo(f"warning: the right choice is the longest one in {longest} of {mcqs} mcq items", err=True)
    if show_coverage:
        _print_coverage(raw)
    if max_age is not None:
        _print_stale(raw, max_age, today, stale_after or "")
    if strict:
        problems += warnings
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {conf.curriculum_dir}", err=True)
        raise typer.Exit(1)
    items = sum(len(o.items) for s in raw.skills.values() for o in s.objectives)
    facts = sum(len(o.facts) for s in raw.skills.values() for o in s.objectives)
    typer.echo(f"ok: {len(raw.skills)} skills, {sum(len(s.objectives) for s in raw.skills.values())} "
               f"objectives, {items} items, {facts} facts")
    for lang in translations(conf.curriculum_dir):  # checked above by check_languages: say so
        typer.echo(f"ok: {lang}: every text translated; ids, choice and answer keys, misconceptions, sources, "
                   "dates and figures as in English")


def translations(directory: Path) -> list[str]:
    """The curriculum's translated languages: those with a folder of skill files."""
    from skillcoach.curriculum.localize import LANGUAGES, language_dir, skill_files

    return [lang for lang in LANGUAGES if lang != "en" and skill_files(language_dir(directory, lang))]


def _print_coverage(raw) -> None:  # type: ignore[no-untyped-def]
    from skillcoach.curriculum.audit import coverage

    report = coverage(raw)
    typer.echo(f"coverage: {report.covered} of {report.total} source claims covered by facts ({report.share:.1%})")
    for claim in report.uncovered:
        typer.echo(f"uncovered: {claim.id} [{claim.source}, {claim.heading}]: {claim.statement}")


def _print_stale(raw, max_age, today, given: str) -> None:  # type: ignore[no-untyped-def]
    from skillcoach.curriculum.audit import stale_facts

    stale = stale_facts(raw, max_age, today)
    typer.echo(f"stale: {len(stale)} fact(s) last checked more than {given.strip()} ago (before {today - max_age})")
    for fact in stale:
        typer.echo(f"stale: {fact}")


def _load() -> Curriculum:
    from skillcoach.curriculum.catalog import load_curriculum

    conf = settings()
    return load_curriculum(conf.curriculum_dir, conf.locale)


@curriculum_app.command("list")
def list_skills(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Skills with their objective and item counts."""
    rows = []
    for skill in _load().skills:
        kinds: dict[str, int] = {}
        for obj in skill.objectives:
            for item in obj.items:
                kinds[item.kind.value] = kinds.get(item.kind.value, 0) + 1
        rows.append({"id": skill.id, "title": skill.title, "objectives": len(skill.objectives),
                     "items": sum(kinds.values()), "items_by_kind": kinds, "prerequisites": list(skill.prerequisites)})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    from skillcoach.app.cli.render import make_console, plain

    table = Table(title="Curriculum")
    for col in ("id", "title", "objectives", "items"):
        table.add_column(col)
    for row in rows:
        table.add_row(plain(row["id"]), plain(row["title"]), str(row["objectives"]), str(row["items"]))
    make_console().print(table)


@curriculum_app.command("show")
def show(ident: Annotated[str, typer.Argument(metavar="ID", help="A skill, objective or item id.")]) -> None:
    """Show a skill, an objective or an item."""
    cur = _load()
    found = cur.skill(ident) or cur.objectives.get(ident) or cur.items.get(ident)
    if found is None:
        raise UserError(f"no skill, objective or item with id {ident!r} (see 'skillcoach curriculum list')")
    data = found.model_dump(mode="json", exclude_none=True)
    if ident == getattr(found, "id", None) and hasattr(found, "objectives"):
        data["objectives"] = [{"id": o.id, "title": o.title, "items": len(o.items)} for o in found.objectives]
    typer.echo(yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=78))


def _block_strings(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Multi-line text as YAML literal blocks, so explanations read as written."""
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _BlockDumper(yaml.SafeDumper):
    pass


_BlockDumper.add_representer(str, _block_strings)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question about the curriculum.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Answer a question from the curriculum, with citations."""
    from skillcoach.app.ask import answer_question

    result = answer_question(settings(), question)
    if as_json:
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    from skillcoach.app.cli.render import SafeMarkdown, make_console, plain

    console = make_console()
    for notice in result.get("notices", []):
        console.print(plain(notice, "dim"))
    console.print(SafeMarkdown(result["answer"]))


@curriculum_app.command("grade")
def grade_answer(
    item_id: Annotated[str, typer.Argument(metavar="ITEM_ID", help="A short-answer (or any) item id.")],
    answer: Annotated[str, typer.Argument(metavar="ANSWER", help="The answer to grade.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Grade one answer with the offline grader, so an author can test a rubric."""
    from skillcoach.grading.answers import grade, parse_response

    item = _load().items.get(item_id)
    if item is None:
        raise UserError(f"no item with id {item_id!r} (see 'skillcoach curriculum show SKILL')")
    result = grade(item, parse_response(item, answer))
    report = {"verdict": result.verdict.value, "score": result.score, "confidence": result.confidence,
              "found": result.found, "missing": result.missing, "violations": result.violations}
    if as_json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    typer.echo(f"verdict: {report['verdict']}  score: {result.score:.2f}  confidence: {result.confidence:.2f}")
    for label, ideas in (("found", result.found), ("missing", result.missing), ("violations", result.violations)):
        typer.echo(f"{label}: {'; '.join(ideas) or '-'}")
    if result.misconceptions:
        typer.echo(f"misconceptions: {', '.join(result.misconceptions)}")
