"""Turn expected failures into one clear line on stderr and an exit code; never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

EXIT_USAGE = 2


def known_errors() -> tuple[type[BaseException], ...]:
    from skillcoach.answering import InvalidQuestion
    from skillcoach.curriculum.loader import CurriculumError
    from skillcoach.learner.profile import InvalidProfile
    from skillcoach.learners_csv import CsvError
    from skillcoach.llm import ModelConfigError
    from skillcoach.planning.weekly import PlanningError
    from skillcoach.planning.weeks import InvalidWeek
    from skillcoach.prompt_templates import PromptError
    from skillcoach.replay import ReplayError
    from skillcoach.schedule import InvalidSchedule
    from skillcoach.storage.db import StorageError
    from skillcoach.storage.learners import LearnerExists, UnknownLearner
    from skillcoach.storage.store import InvalidLearnerId

    return (CurriculumError, StorageError, InvalidLearnerId, InvalidWeek, InvalidQuestion, UserError,
            InvalidProfile, CsvError, PlanningError, InvalidSchedule, LearnerExists, UnknownLearner,
            ModelConfigError, PromptError, ReplayError)


class UserError(Exception):
    """A problem with what the user asked for; the message says what to do."""


def run_friendly(app: Callable[..., Any]) -> int:
    try:
        # Without standalone mode click returns an Exit's code instead of exiting.
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        print("\nStopped. Your progress is saved.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last guard before a user would see a traceback
        return _report(exc)
    return code if isinstance(code, int) else 0


def _report(exc: Exception) -> int:
    import click

    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        exc.show()
        return exc.exit_code
    if isinstance(exc, click.exceptions.Abort):
        print("Aborted.", file=sys.stderr)
        return 1
    if isinstance(exc, known_errors()):
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
    print("This is a bug in skillcoach; please report it with the command you ran.", file=sys.stderr)
    return 1
