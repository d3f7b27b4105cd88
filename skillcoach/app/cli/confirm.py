"""No silent surprises: a new learner id is created only when the person at the keyboard says so."""

from __future__ import annotations

import sys

import typer

from skillcoach.app.cli.errors import UserError
from skillcoach.storage.store import Store, check_learner_id


def confirm_new_learner(store: Store, learner_id: str, *, allowed: bool, interactive: bool) -> None:
    """Return when the learner exists, was allowed with --new-learner, or the terminal user said yes."""
    check_learner_id(learner_id)
    if allowed or store.get_learner(learner_id) is not None:
        return
    if not (interactive and sys.stdin.isatty()):
        raise UserError(f"no learner {learner_id!r}: check the id (see 'skillcoach learner list'), "
                        "or add --new-learner to create it")
    known = [learner.id for learner in store.list_learners()][:5]
    if known:
        typer.echo(f"Known learners: {', '.join(known)}")
    if not typer.confirm(f"create learner {learner_id!r}?", default=False):
        typer.echo("Nothing created.")
        raise typer.Exit(1)
