"""``skillcoach learner add|list|show|import``: learners and their weekly study settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import learner_app, settings
from skillcoach.app.cli.errors import UserError, cli_gettext, speak
from skillcoach.i18n import N_

ID = Annotated[str, typer.Argument(metavar="ID", help="Learner id.")]
AS_JSON = Annotated[bool, typer.Option("--json", help="Print JSON.")]
LANG = Annotated[str | None, typer.Option("--lang", metavar="en|ko",
                                          help="Language of the output [env SKILLCOACH_LANG, else the locale].")]
# The table's columns (the JSON keys stay English)
NO_LEARNERS = N_("No learners yet: add one with 'skillcoach learner add ID' or 'skillcoach learner import FILE.csv'.")
COLUMN_NAMES = (N_("id"), N_("name"), N_("minutes/week"), N_("goals"), N_("days"), N_("timezone"))


def _gettext(lang: str | None) -> Callable[[str], str]:
    """The gettext of ``--lang`` if given (then errors speak it too), else of SKILLCOACH_LANG/the locale."""
    from skillcoach.i18n import check_lang

    if lang is not None:
        speak(check_lang(lang))
    return cli_gettext()


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
def list_learners(as_json: AS_JSON = False, lang: LANG = None) -> None:
    """Every learner with their study settings."""
    from skillcoach.storage.learners import list_profiles

    _ = _gettext(lang)
    profiles = list_profiles(_store())
    if as_json:
        typer.echo(json.dumps([asdict(p) for p in profiles], indent=2))
        return
    if not profiles:
        typer.echo(_(NO_LEARNERS))
        return
    from rich.console import Console
    from rich.table import Table

    from skillcoach.app.cli.render import plain

    table = Table(title=_("Learners"))
    for column in COLUMN_NAMES:
        table.add_column(_(column))
    for p in profiles:
        table.add_row(p.id, plain(p.name), str(p.weekly_minutes), plain(";".join(p.goals)) or _("(all skills)"),
                      plain(";".join(p.days)) or _("(default)"), plain(p.timezone))
    Console().print(table)


@learner_app.command("show")
def show(learner_id: ID, as_json: AS_JSON = False, lang: LANG = None) -> None:
    """A learner's settings, how much they have mastered and the weeks they have a plan for."""
    _ = _gettext(lang)
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

    typer.echo(visible(f"{profile.id} ({profile.name}): {_describe(profile, _)}"))
    typer.echo(_("objectives mastered: {count}").format(count=data["objectives_mastered"]))
    typer.echo(_("planned weeks: {weeks}").format(weeks=", ".join(data["planned_weeks"]) or _("none yet")))


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


def _describe(profile: Any, _: Callable[[str], str] = str) -> str:
    goals = ", ".join(profile.goals) or _("all skills")
    days = ";".join(profile.days) or _("default days")
    lang = _(", language {lang}").format(lang=profile.lang) if getattr(profile, "lang", None) else ""
    return _("{minutes} min/week, goals: {goals}, days: {days}, time zone {timezone}").format(
        minutes=profile.weekly_minutes, goals=goals, days=days, timezone=profile.timezone) + lang
