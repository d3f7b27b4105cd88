"""The one base class for errors a user can act on; faces print its message as one line."""

from __future__ import annotations


class SkillcoachError(Exception):
    """A problem with what the user asked for or configured; the message says what to do."""
