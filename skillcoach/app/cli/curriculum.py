"""``skillcoach curriculum validate|list|show`` and ``skillcoach ask``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
import yaml

from skillcoach.app.cli.app import app, curriculum_app, settings
from skillcoach.app.cli.errors import UserError

if TYPE_CHECKING:
    from skillcoach.curriculum.catalog import Curriculum


@curriculum_app.command("validate")
def validate() -> None:
    """Check every curriculum file; print 'file: field: problem' lines and exit 1 on any."""
    from skillcoach.curriculum.loader import read_dir
    from skillcoach.curriculum.validate import check

    conf = settings()
    raw = read_dir(conf.curriculum_dir, conf.locale)
    problems = check(raw)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {conf.curriculum_dir}", err=True)
        raise typer.Exit(1)
    items = sum(len(o.items) for s in raw.skills.values() for o in s.objectives)
    typer.echo(f"ok: {len(raw.skills)} skills, {sum(len(s.objectives) for s in raw.skills.values())} "
               f"objectives, {items} items")


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
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Curriculum")
    for col in ("id", "title", "objectives", "items"):
        table.add_column(col)
    for row in rows:
        table.add_row(str(row["id"]), str(row["title"]), str(row["objectives"]), str(row["items"]))
    Console().print(table)


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
    typer.echo(yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100))


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
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    for notice in result.get("notices", []):
        console.print(f"[dim]{notice}[/dim]")
    console.print(Markdown(result["answer"]))
