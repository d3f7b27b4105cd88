"""One-line explanations for failures that come from the surroundings, not from skillcoach's code.

Settings that do not validate, a full disk, a locked or read-only database, an output that cannot
be written. Each returns None when it does not recognise the error (then it is a bug, and said so).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
from typing import Any

from skillcoach.tracing.masking import redact_url


def settings_problem(exc: BaseException) -> str | None:
    """The one line for settings that do not validate (a user's configuration: exit 2)."""
    message = _settings(exc)
    return None if message is None else redact_url(" ".join(message.split()))


def environment_problem(exc: BaseException) -> str | None:
    """The message to print for ``exc``, or None if it is not a known problem of the surroundings."""
    for explain in (_output, _disk, _database):
        message = explain(exc)
        if message is not None:
            return redact_url(" ".join(message.split()))
    return None


def _settings(exc: BaseException) -> str | None:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return None
    error = exc.errors()[0]  # the first is enough to act on; the value is not echoed (it may be a secret)
    field = str(error["loc"][0]) if error["loc"] else "?"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"invalid setting {setting_name(field)} (environment or option): {message}"


def setting_name(field: str) -> str:
    """The environment variable a Settings field is read from."""
    from skillcoach.settings import Settings

    info = Settings.model_fields.get(field)
    alias: Any = info.validation_alias if info is not None else None
    choices = getattr(alias, "choices", None)
    if choices:
        return str(choices[0])
    return f"SKILLCOACH_{field.upper()}"


def _output(exc: BaseException) -> str | None:
    if not isinstance(exc, OSError) or exc.errno not in (errno.ENOSPC, errno.EPIPE, errno.EIO):
        return None
    if exc.filename is not None:
        return None  # a file, not the standard output: see _disk
    _silence_stdout()
    return f"cannot write the output: {exc.strerror or exc}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _disk(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"no space left on the device ({exc.filename}): free some space and run again; nothing saved is lost"
    return None


def _database(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    if not isinstance(orig, sqlite3.Error) and type(orig).__module__.split(".")[0] != "psycopg":
        return None
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if "locked" in text or "busy" in text:
        return ("a database is locked by another process (still busy after the wait); close the other "
                "skillcoach and try again; what was answered before is saved")
    if "disk is full" in text or "disk I/O" in text:
        return "the disk is full (the database could not be written): free some space and run again"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only: check the data directory's permissions"
    return f"database error: {text}"
