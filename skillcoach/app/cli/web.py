"""``skillcoach serve`` (the browser face) and ``skillcoach web-user add`` (accounts, operators)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from skillcoach.app.cli.app import app, settings
from skillcoach.app.cli.errors import UserError

web_user_app = typer.Typer(help="Web accounts: add learners and operators.", no_args_is_help=True)
app.add_typer(web_user_app, name="web-user")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    local: Annotated[bool, typer.Option("--local", help="One local learner, no sign-in (loopback only).")] = False,
    secure_cookies: Annotated[bool | None, typer.Option(
        "--secure-cookies/--no-secure-cookies",
        help="Mark the session cookie Secure [default: on unless bound to loopback].")] = None,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes (use PostgreSQL for more than 1).")] = 1,
) -> None:
    """Serve the coach in the browser (sessions, progress, plans, replays; the JSON API under /api/)."""
    import uvicorn

    from skillcoach.app.web.app import create_app
    from skillcoach.app.web.security import is_loopback

    if local and not is_loopback(host):
        raise UserError(f"--local skips sign-in, so it binds to loopback only, not {host}")
    secure = (not is_loopback(host)) if secure_cookies is None else secure_cookies
    conf = settings()
    mode = "local mode, no sign-in" if local else "sign-in required"
    if workers == 1:
        web = create_app(conf, local=local, secure_cookies=secure)
        typer.echo(f"skillcoach on http://{host}:{port}/ ({mode}); API docs at /docs; stop with Ctrl-C", err=True)
        uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=False)
        return
    _prepare(conf)
    _export(conf, local, secure)
    typer.echo(f"skillcoach on http://{host}:{port}/ ({mode}, {workers} workers); stop with Ctrl-C", err=True)
    uvicorn.run("skillcoach.app.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=False)


def _prepare(conf: Any) -> None:
    """Migrate the database and set up the checkpointer once, before the workers race to do it."""
    from skillcoach.app.api import Coach

    with Coach(conf):
        pass


def _export(conf: Any, local: bool, secure: bool) -> None:
    """Each worker process builds its app from the environment: hand it the settings and flags."""
    import os

    os.environ["SKILLCOACH_DATA_DIR"] = str(conf.data_dir)
    if conf.database_url:
        os.environ["SKILLCOACH_DATABASE_URL"] = conf.database_url
    if conf.checkpoint_url:
        os.environ["SKILLCOACH_CHECKPOINT_URL"] = conf.checkpoint_url
    if conf.model:
        os.environ["SKILLCOACH_MODEL"] = conf.model
    os.environ["SKILLCOACH_WEB_LOCAL"] = "1" if local else "0"
    os.environ["SKILLCOACH_WEB_SECURE"] = "1" if secure else "0"


@web_user_app.command("add")
def add_user(
    learner: Annotated[str, typer.Argument(help="Learner name to sign in with.")],
    operator: Annotated[bool, typer.Option("--operator", help="May see every session's replay.")] = False,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          help="The password [prompted].")] = "",
) -> None:
    """Add a web account (or, with --operator, make an existing account an operator)."""
    from skillcoach.app.web.accounts import Accounts
    from skillcoach.storage.store import Store

    accounts = Accounts(Store(settings().resolved_database_url))
    if accounts.get(learner) is not None:
        if not operator:
            raise UserError(f"the web account {learner!r} exists already")
        accounts.set_operator(learner, True)
        typer.echo(f"{learner} is now an operator")
        return
    accounts.create(learner, password, operator=operator, claim=True)  # a learner made by the CLI may exist
    typer.echo(f"added {learner}{' (operator)' if operator else ''}")
