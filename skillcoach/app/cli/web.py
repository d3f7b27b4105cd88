"""``skillcoach serve`` (the browser face) and ``skillcoach web-user add`` (accounts, operators)."""

from __future__ import annotations

from typing import Annotated

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
) -> None:
    """Serve the coach in the browser (sessions, progress, plans, replays; the JSON API under /api/)."""
    import uvicorn

    from skillcoach.app.web.app import create_app
    from skillcoach.app.web.security import is_loopback

    if local and not is_loopback(host):
        raise UserError(f"--local skips sign-in, so it binds to loopback only, not {host}")
    secure = (not is_loopback(host)) if secure_cookies is None else secure_cookies
    web = create_app(settings(), local=local, secure_cookies=secure)
    mode = "local mode, no sign-in" if local else "sign-in required"
    typer.echo(f"skillcoach on http://{host}:{port}/ ({mode}); API docs at /docs; stop with Ctrl-C", err=True)
    uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=False)


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
    accounts.create(learner, password, operator=operator)
    typer.echo(f"added {learner}{' (operator)' if operator else ''}")
