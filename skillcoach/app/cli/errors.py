"""Turn expected failures into one clear line on stderr and an exit code; never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import typer

from skillcoach.app.cli.problems import environment_problem, settings_problem
from skillcoach.errors import SkillcoachError

EXIT_USAGE = 2
EXIT_ENVIRONMENT = 1  # the machine's state (disk, locks, output), not the request; still one line


class UserError(SkillcoachError):
    """A problem with what the user asked for on the command line; the message says what to do."""


_lang: list[str] = []  # this invocation's --lang, once checked (one user per CLI process)


def speak(lang: str) -> None:
    """Show this invocation's errors in ``lang`` (a checked --lang); without it, SKILLCOACH_LANG or the locale."""
    _lang[:] = [lang]


def cli_lang() -> str:
    """The language of this invocation's output: its --lang, else SKILLCOACH_LANG, else the locale, else English."""
    if _lang:
        return _lang[0]
    from skillcoach.i18n import LANGUAGES
    from skillcoach.settings import Settings

    try:
        configured = str(Settings().lang)
    except Exception:  # noqa: BLE001 - broken settings are reported on their own; the error line stays English
        return "en"
    return configured if configured in LANGUAGES else "en"


def cli_gettext() -> Callable[[str], str]:
    """The gettext of this invocation's language (see ``cli_lang``)."""
    from skillcoach.i18n import translator

    return translator(cli_lang()).gettext


def run_friendly(app: Callable[..., Any]) -> int:
    """Run the Typer app and map every outcome to an exit code, printing one line for user errors."""
    _lang.clear()  # one invocation's --lang only (tests run several in one process)
    try:
        # Without standalone mode Typer returns an Exit's code instead of exiting.
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        print("\nStopped. Your progress is saved.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last guard before a user would see a traceback
        return _report(exc)
    return code if isinstance(code, int) else 0


def one_line(exc: BaseException, text: str | None = None) -> str:
    """The message (or ``text``, its translation) on one line, with any password in a URL replaced (user:***@host)."""
    from skillcoach.tracing.masking import redact_url

    return redact_url(" ".join((str(exc) if text is None else text).split()))


def _report(exc: Exception) -> int:
    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, typer.TyperException):
        # Usage errors (unknown option, bad value) know how to show themselves, with a hint.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"error: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        print("Aborted.", file=sys.stderr)
        return 1
    if isinstance(exc, SkillcoachError):
        print(f"error: {one_line(exc, exc.translated(cli_gettext()))}", file=sys.stderr)
        return EXIT_USAGE
    if settings_problem(exc) is not None:
        print(f"error: {settings_problem(exc)}", file=sys.stderr)
        return EXIT_USAGE
    known = environment_problem(exc)
    if known is not None:
        print(f"error: {known}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    print(f"error: unexpected {type(exc).__name__}: {one_line(exc)}", file=sys.stderr)
    print("This is a bug in skillcoach; please report it with the command you ran.", file=sys.stderr)
    return 1
