"""Command tree and global options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(name="skillcoach", help="A coach for the AI skills of 2026.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
curriculum_app = typer.Typer(help="Validate, list and show the curriculum.", no_args_is_help=True)
app.add_typer(curriculum_app, name="curriculum")
learner_app = typer.Typer(help="Add, list, show and import learners.", no_args_is_help=True)
app.add_typer(learner_app, name="learner")
plan_app = typer.Typer(help="Weekly study plans: make them for a week, show them.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")
replay_app = typer.Typer(help="Walk, reproduce and fork recorded sessions.", no_args_is_help=True)
app.add_typer(replay_app, name="replay")
prompts_app = typer.Typer(help="Prompt templates and Langfuse prompt management.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")

model_app = typer.Typer(help="The learner model: fit its parameters from the attempt log.", no_args_is_help=True)
app.add_typer(model_app, name="model")
dispute_app = typer.Typer(help="Disputed grades: list them, settle them.", no_args_is_help=True)
app.add_typer(dispute_app, name="dispute")

_overrides: dict[str, Any] = {}


@app.callback()
def global_options(
    data_dir: Annotated[Path | None,
                        typer.Option(help="Where the SQLite files live [env SKILLCOACH_DATA_DIR].")] = None,
    database_url: Annotated[str | None, typer.Option(help="SQLAlchemy URL [env SKILLCOACH_DATABASE_URL].")] = None,
    model: Annotated[str | None, typer.Option(help="'offline' or provider:model [env SKILLCOACH_MODEL].")] = None,
) -> None:
    """Keep the global options of this invocation, to override the settings every command builds."""
    _overrides.clear()  # one invocation's options only (tests run several in one process)
    for key, value in {"data_dir": data_dir, "database_url": database_url, "model": model}.items():
        if value is not None:
            _overrides[key] = value


def settings() -> Any:
    """Build the settings from the environment with this invocation's global options on top."""
    from skillcoach.settings import Settings

    return Settings(**_overrides)


# Register the commands (each module adds its own to ``app``).
from skillcoach.app.cli import chat, curriculum, dispute, fleet, learner, plan, prompts, replay, web  # noqa: E402,F401
from skillcoach.app.cli import model as model_commands  # noqa: E402,F401
