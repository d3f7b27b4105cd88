"""``skillcoach dispute list|resolve``: grades learners disputed, and an operator's settlement."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import dispute_app, settings
from skillcoach.app.cli.errors import UserError

VERDICTS = ("correct", "partial", "wrong")


@dispute_app.command("list")
def list_disputes(
    learner: Annotated[str | None, typer.Option("--learner", "-l", help="Only this learner.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Disputed attempts waiting for a re-grade (they do not count meanwhile)."""
    from skillcoach.storage.store import Store

    rows: list[dict[str, Any]] = [
        {"attempt_id": a.id, "learner_id": a.learner_id, "item_id": a.item_id, "response": a.response,
         "verdict": a.verdict, "score": a.score, "grader": a.grader, "at": a.created_at.isoformat()}
        for a in Store(settings().resolved_database_url).disputes(learner)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("No disputed grades.")
    for r in rows:
        typer.echo(f"#{r['attempt_id']} {r['learner_id']} {r['item_id']}: {r['verdict']} ({r['grader']}) "
                   f"- answer: {r['response'][:100]}")


@dispute_app.command("resolve")
def resolve(
    attempt_id: Annotated[int, typer.Argument(metavar="ATTEMPT_ID", help="From 'skillcoach dispute list'.")],
    verdict: Annotated[str | None, typer.Option(help="Re-grade as correct, partial or wrong (default: keep).")] = None,
    score: Annotated[float | None, typer.Option(min=0.0, max=1.0, help="Score for the new verdict.")] = None,
) -> None:
    """Settle a dispute: keep the grade, or re-grade it; the attempt counts again and mastery is rebuilt."""
    from skillcoach.app.api import Coach

    if verdict is not None and verdict not in VERDICTS:
        raise UserError(f"--verdict must be one of {', '.join(VERDICTS)}")
    with Coach(settings()) as coach:
        result = coach.resolve_dispute(attempt_id, verdict, score)
    typer.echo(f"attempt #{attempt_id} settled ({verdict or 'grade kept'}); objective now {result['status']}, "
               f"P(L) {result['p_mastery']:.0%}")
