"""The one base class for errors a user can act on; faces print its message as one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self


class SkillcoachError(Exception):
    """A problem with what the user asked for or configured; the message says what to do."""

    msgid: str | None = None  # the catalog message (English template) when made with ``message``
    values: dict[str, Any] = {}  # replaced per instance, never mutated

    @classmethod
    def message(cls, msgid: str, **values: Any) -> Self:
        """The error with its English text, able to show itself in a learner's language (``translated``)."""
        error = cls(msgid.format(**values))
        error.msgid, error.values = msgid, values
        return error

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of ``gettext`` (its English text when it has no catalog message)."""
        return str(self) if self.msgid is None else gettext(self.msgid).format(**self.values)
