"""skillcoach: a multi-agent coach for the AI skills of 2026.

``from skillcoach import Coach`` is the Python API (imported lazily, so the CLI starts fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Coach", "CoachSession", "Settings"]

if TYPE_CHECKING:
    from skillcoach.app.api import Coach, CoachSession
    from skillcoach.settings import Settings


def __getattr__(name: str) -> Any:
    if name in ("Coach", "CoachSession"):
        from skillcoach.app import api

        return getattr(api, name)
    if name == "Settings":
        from skillcoach.settings import Settings

        return Settings
    raise AttributeError(name)
