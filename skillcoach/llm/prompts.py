"""Prompt templates from ``prompts/*.md``: chat messages with ``{{placeholders}}``.

``PromptSource`` hands out prompts by name: from Langfuse prompt management when
configured (so generations link to the prompt version), from the local file
otherwise, and from the local file on any fetch failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from skillcoach.errors import SkillcoachError

ROLE_LINE = re.compile(r"^<!--\s*role:\s*(system|user|assistant)\s*-->\s*$", re.MULTILINE)
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


class PromptError(SkillcoachError, ValueError):
    """Raised when a prompt file is missing, malformed, or compiled without all its placeholders."""

    pass


@dataclass(frozen=True)
class Prompt:
    """A chat prompt: its messages with ``{{placeholders}}``, and the Langfuse version it came from."""

    name: str
    messages: tuple[dict[str, str], ...]
    version: int | None = None  # the Langfuse version, None for a local file
    source: Any = None  # the Langfuse prompt client, for linking generations

    def variables(self) -> set[str]:
        """Return the names of the placeholders the messages use."""
        return {v for m in self.messages for v in PLACEHOLDER.findall(m["content"])}

    def compile(self, **values: Any) -> list[dict[str, str]]:
        """Fill the placeholders and return the chat messages; PromptError if a value is missing."""
        missing = self.variables() - set(values)
        if missing:
            raise PromptError(f"prompt {self.name!r} needs {sorted(missing)}")
        return [{"role": m["role"], "content": PLACEHOLDER.sub(lambda x: str(values[x[1]]), m["content"])}
                for m in self.messages]


def parse_prompt(name: str, text: str) -> Prompt:
    """Parse a prompt file's text, split into messages by its '<!-- role: ... -->' lines."""
    parts = ROLE_LINE.split(text)
    if len(parts) < 3 or parts[0].strip():
        raise PromptError(f"{name}.md: must start with a '<!-- role: system -->' line")
    messages = tuple({"role": role, "content": body.strip()} for role, body in zip(parts[1::2], parts[2::2],
                                                                                      strict=True))
    return Prompt(name, messages)


def load_local(directory: Path, name: str) -> Prompt:
    """Load the prompt ``name`` from its Markdown file in the directory; PromptError if there is none."""
    path = directory / f"{name}.md"
    try:
        return parse_prompt(name, path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"prompt {name!r} not found in {directory}") from None


def load_all(directory: Path) -> dict[str, Prompt]:
    """Load every prompt of the directory (README.md aside), keyed by name."""
    if not directory.is_dir():
        raise PromptError(f"prompt directory {directory} not found")
    return {p.stem: load_local(directory, p.stem) for p in sorted(directory.glob("*.md")) if p.stem != "README"}


class PromptSource(Protocol):
    """Where agents get their prompts by name: local files or Langfuse prompt management."""

    def get(self, name: str) -> Prompt:
        """Return the prompt called ``name``."""


@dataclass
class LocalPrompts:
    """Prompts read from the local ``prompts/`` files only."""

    directory: Path

    def get(self, name: str) -> Prompt:
        """Return the prompt from its local Markdown file."""
        return load_local(self.directory, name)
