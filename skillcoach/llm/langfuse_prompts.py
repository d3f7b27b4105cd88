"""Langfuse prompt management: push local prompts, fetch them at run time with a fallback."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillcoach.llm.prompts import Prompt, load_all, load_local

log = logging.getLogger("skillcoach.prompts")
FETCH_TIMEOUT_SECONDS = 2


def push_prompts(client: Any, directory: Path, label: str) -> list[tuple[str, int | None]]:
    """Create a new version of every local prompt in Langfuse, labelled ``label``."""
    pushed = []
    for name, prompt in load_all(directory).items():
        created = client.create_prompt(name=name, prompt=list(prompt.messages), labels=[label], type="chat",
                                       commit_message="pushed by skillcoach prompts push")
        pushed.append((name, getattr(created, "version", None)))
    return pushed


@dataclass
class LangfusePrompts:
    """Fetch by label; the local file is the fallback (and the answer after any failure)."""

    client: Any
    directory: Path
    label: str = "production"
    _failed: set[str] = field(default_factory=set)

    def get(self, name: str) -> Prompt:
        """Return the prompt from Langfuse, or the local file if Langfuse fails (and from then on for that name)."""
        local = load_local(self.directory, name)
        if name in self._failed:
            return local
        try:
            fetched = self.client.get_prompt(name, label=self.label, type="chat", fallback=list(local.messages),
                                             max_retries=0, fetch_timeout_seconds=FETCH_TIMEOUT_SECONDS)
        except Exception as exc:  # noqa: BLE001 - any fetch failure falls back to the file
            log.warning("prompt %s: Langfuse fetch failed (%s); using the local file", name, type(exc).__name__)
            self._failed.add(name)
            return local
        if getattr(fetched, "is_fallback", False):
            self._failed.add(name)
            return local
        messages = tuple({"role": m["role"], "content": m["content"]} for m in fetched.prompt)
        return Prompt(name, messages, version=fetched.version, source=fetched)
