"""No silent surprises: a new learner id is created only when the person at the keyboard says so."""

from __future__ import annotations

import sys

import typer

from skillcoach.app.cli.errors import UserError, cli_gettext
from skillcoach.i18n import N_
from skillcoach.storage.store import Store, check_learner_id


def confirm_new_learner(store: Store, learner_id: str, *, allowed: bool, interactive: bool) -> None:
    """Return when the learner exists, was allowed with --new-learner, or the terminal user said yes."""
    check_learner_id(learner_id)
    if allowed or store.get_learner(learner_id) is not None:
        return
    if not (interactive and sys.stdin.isatty()):
        raise UserError.message(N_("no learner {learner_id!r}: check the id (see 'skillcoach learner list'), "
                                   "or add --new-learner to create it"), learner_id=learner_id)
    _ = cli_gettext()
    known = [learner.id for learner in store.list_learners()][:5]
    if known:
        typer.echo(_("Known learners: {ids}").format(ids=", ".join(known)))
    if not typer.confirm(_("create learner {learner_id!r}?").format(learner_id=learner_id), default=False):
        typer.echo(_("Nothing created."))
        raise typer.Exit(1)
