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
    """Create or update every prompt in Langfuse prompt management, with a label."""
    from skillcoach.llm.langfuse_prompts import push_prompts
    from skillcoach.tracing.langfuse_tracer import LangfuseTracer

    conf = settings()
    if not conf.tracing_enabled:
        raise UserError("prompts push needs Langfuse: set LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY, LANGFUSE_BASE_URL")
    tracer = LangfuseTracer(conf)
    try:
        pushed = push_prompts(tracer.client, conf.prompts_dir, label)
    except Exception as exc:  # noqa: BLE001 - the API client raises many kinds
        raise UserError(f"Langfuse refused the prompts: {exc}") from None
    finally:
        tracer.shutdown()
    for name, version in pushed:
        typer.echo(f"{name}: version {version} labelled {label}")
