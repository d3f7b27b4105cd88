"""``skillcoach model fit``: fit the learner model per objective from the attempt log."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from skillcoach.app.cli.app import model_app, settings


@model_app.command("fit")
def fit(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    min_attempts: Annotated[int, typer.Option(min=1, help="Fewer training attempts: keep the defaults.")] = 30,
) -> None:
    """Fit P(init), P(learn), P(slip) and a guess scale per objective (defaults as priors); report held-out log loss."""
    from skillcoach.curriculum.catalog import load_curriculum
    from skillcoach.learner.fit import fit_all, overall, sequences
    from skillcoach.learner.mastery import learner_model
    from skillcoach.storage.store import Store

    conf = settings()
    model = learner_model(conf)
    curriculum = load_curriculum(conf.curriculum_dir, conf.locale)
    rows = Store(conf.resolved_database_url, model).evidence_rows()
    fits = fit_all(sequences(rows, curriculum.items, model.rates), model.params, min_attempts)
    summary = {"attempts": len(rows), "objectives": len(fits), "fitted": sum(f.fitted for f in fits),
               **overall(fits), "defaults": {"p_init": model.params.p_init, "p_learn": model.params.p_learn,
                                             "p_slip": model.params.p_slip, "guess_scale": 1.0}}
    if as_json:
        typer.echo(json.dumps({**summary, "fits": [f.to_dict() for f in fits]}, indent=2))
        return
    typer.echo(f"{len(rows)} attempts over {len(fits)} objectives; fitted {summary['fitted']} "
               f"(the others have fewer than {min_attempts} training attempts and keep the defaults).")
    for f in fits:
        if f.fitted:
            typer.echo(f"{f.objective_id}: init {f.p_init:.2f} learn {f.p_learn:.2f} slip {f.p_slip:.2f} "
                       f"guess x{f.guess_scale:.2f} ({f.attempts} attempts, {f.learners} learners)")
    if summary["held_out_attempts"]:
        typer.echo(f"held-out log loss over {summary['held_out_attempts']} attempts: "
                   f"defaults {summary['log_loss_default']}, fitted {summary['log_loss_fitted']}")
    else:
        typer.echo("no held-out attempts yet (one learner in five is held out): no log loss to report.")
