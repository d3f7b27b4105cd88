"""``skillcoach learner add|list|show|import``: learners and their weekly study settings."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import learner_app, settings
from skillcoach.app.cli.errors import UserError

ID = Annotated[str, typer.Argument(metavar="ID", help="Learner id.")]
AS_JSON = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _store() -> Any:
    from skillcoach.storage.store import Store

    return Store(settings().resolved_database_url)


def _skill_ids() -> set[str]:
    from skillcoach.curriculum.catalog import load_curriculum

    conf = settings()
    return {skill.id for skill in load_curriculum(conf.curriculum_dir, conf.locale).skills}


@learner_app.command("add")
def add(
    learner_id: ID,
    name: Annotated[str | None, typer.Option(help="Display name (default: the id).")] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", help="Weekly study budget in minutes [120].")] = None,
    goals: Annotated[str | None, typer.Option(help="Goal skill ids, separated by ';' (default: all skills).")] = None,
    days: Annotated[str | None, typer.Option(help="Study days like 'mon;wed;sat' [mon;wed;fri].")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone, e.g. Europe/Berlin [UTC].")] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="en|ko",
                                             help="Coaching language [env SKILLCOACH_LANG, else the locale].")] = None,
) -> None:
    """Add a learner with their weekly budget, goals, study days and time zone."""
    from skillcoach.learner.profile import parse_fields
    from skillcoach.learner.review import utcnow
    from skillcoach.storage.learners import LearnerUpdate, add_learner
    from skillcoach.storage.store import check_learner_id

    check_learner_id(learner_id)
    given = {"name": name, "weekly_minutes": None if minutes is None else str(minutes), "goals": goals,
             "days": days, "timezone": timezone, "lang": lang}
    fields, problems = parse_fields({k: v for k, v in given.items() if v is not None}, _skill_ids())
    if problems:
        raise UserError("; ".join(problems))
    profile = add_learner(_store(), LearnerUpdate(learner_id, fields), utcnow())
    typer.echo(f"added learner {profile.id}: {_describe(profile)}")


@learner_app.command("list")
def list_learners(as_json: AS_JSON = False) -> None:
    """Every learner with their study settings."""
    from skillcoach.storage.learners import list_profiles

    profiles = list_profiles(_store())
    if as_json:
        typer.echo(json.dumps([asdict(p) for p in profiles], indent=2))
        return
    if not profiles:
        typer.echo("No learners yet: add one with 'skillcoach learner add ID' or 'skillcoach learner import FILE.csv'.")
        return
    from rich.console import Console
    from rich.table import Table

    from skillcoach.app.cli.render import plain

    table = Table(title="Learners")
    for column in ("id", "name", "minutes/week", "goals", "days", "timezone"):
        table.add_column(column)
    for p in profiles:
        table.add_row(p.id, plain(p.name), str(p.weekly_minutes), plain(";".join(p.goals)) or "(all skills)",
                      plain(";".join(p.days)) or "(default)", plain(p.timezone))
    Console().print(table)


@learner_app.command("show")
def show(learner_id: ID, as_json: AS_JSON = False) -> None:
    """A learner's settings, how much they have mastered and the weeks they have a plan for."""
    from skillcoach.storage.learners import get_profile
    from skillcoach.storage.plans import planned_weeks

    store = _store()
    profile = get_profile(store, learner_id)
    data = {**asdict(profile), "objectives_mastered": len(store.mastered(learner_id)),
            "planned_weeks": planned_weeks(store, learner_id)}
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    from skillcoach.app.cli.render import visible

    typer.echo(visible(f"{profile.id} ({profile.name}): {_describe(profile)}"))
    typer.echo(f"objectives mastered: {data['objectives_mastered']}")
    typer.echo(f"planned weeks: {', '.join(data['planned_weeks']) or 'none yet'}")


@learner_app.command("import")
def import_csv(
    path: Annotated[Path, typer.Argument(metavar="FILE.csv",
                                         help="Header id,name,weekly_minutes,goals,days,timezone,lang")],
) -> None:
    """Add or update learners from a CSV file; bad rows are reported line by line and left out (exit 1)."""
    from skillcoach.learner.csv_import import read_learners_csv
    from skillcoach.learner.review import utcnow
    from skillcoach.storage.learners import ImportCounts, upsert_learners

    parsed = read_learners_csv(path, _skill_ids())
    counts = upsert_learners(_store(), parsed.updates, utcnow()) if parsed.updates else ImportCounts(0, 0)
    from skillcoach.app.cli.render import visible

    for problem in parsed.problems:
        typer.echo(visible(f"{path}: {problem}"), err=True)
    typer.echo(f"imported {len(parsed.updates)} learner(s) from {path}: {counts.added} new, {counts.updated} updated"
               + (f"; {len(parsed.problems)} bad row(s) left out" if parsed.problems else ""))
    if parsed.problems:
        raise typer.Exit(1)


def _describe(profile: Any) -> str:
    goals = ", ".join(profile.goals) or "all skills"
    days = ";".join(profile.days) or "default days"
    lang = f", language {profile.lang}" if getattr(profile, "lang", None) else ""
    return f"{profile.weekly_minutes} min/week, goals: {goals}, days: {days}, time zone {profile.timezone}{lang}"
