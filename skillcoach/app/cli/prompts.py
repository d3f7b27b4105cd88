"""``skillcoach prompts list|push``."""

from __future__ import annotations

from typing import Annotated

import typer

from skillcoach.app.cli.app import prompts_app, settings
from skillcoach.app.cli.errors import UserError


@prompts_app.command("list")
def list_prompts() -> None:
    """The local prompt templates and their placeholders."""
    from skillcoach.llm.prompts import load_all

    for name, prompt in load_all(settings().prompts_dir).items():
        typer.echo(f"{name}: {', '.join(sorted(prompt.variables())) or '-'}")


@prompts_app.command("push")
def push(label: Annotated[str, typer.Option(help="Langfuse label for the new versions.")] = "production") -> None:
    """Push the local prompts to Langfuse: a new version only where the text or model config changed."""
    from skillcoach.llm.langfuse_api import LangfuseAPIError, base_url, make_api
    from skillcoach.llm.langfuse_prompts import push_prompts

    conf = settings()
    try:
        pushed = push_prompts(make_api(conf), base_url(conf), conf, label)
    except LangfuseAPIError as exc:
        raise UserError(str(exc)) from None
    for result in pushed:
        typer.echo(result.describe(label))
