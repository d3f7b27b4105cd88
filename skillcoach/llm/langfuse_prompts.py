"""Langfuse prompt management: push local prompts, fetch them at run time with a fallback."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from skillcoach.llm.langfuse_api import LangfuseNotFound, call, check_access
from skillcoach.llm.prompts import Prompt, load_all, load_local
from skillcoach.settings import Settings

log = logging.getLogger("skillcoach.prompts")
FETCH_TIMEOUT_SECONDS = 2


AGENTS = ("planner", "tutor", "quiz", "reviewer")


@dataclass(frozen=True)
class Pushed:
    """What ``prompts push`` did to one prompt."""

    name: str
    version: int
    created: bool

    def describe(self, label: str) -> str:
        """The line ``prompts push`` prints for this prompt."""
        if self.created:
            return f"{self.name}: created v{self.version} ({label})"
        return f"{self.name}: unchanged v{self.version} ({label})"


def prompt_config(name: str, settings: Settings) -> dict[str, Any]:
    """The model config stored with a prompt: the agent that uses it and the model settings it runs with."""
    agent = name.split("_", 1)[0]
    config: dict[str, Any] = {"model_timeout_seconds": settings.model_timeout,
                              "model_retries": settings.model_retries}
    if agent in AGENTS:
        spec = settings.model_for(agent)
        provider, _, model = spec.partition(":")
        config.update(agent=agent, model=spec, provider=provider if model else spec, model_name=model or spec)
    return config


def push_prompts(api: Any, host: str, settings: Settings, label: str) -> list[Pushed]:
    """Create a Langfuse version of every local prompt whose text or config differs from the ``label`` version."""
    check_access(api, host)
    return [_push_one(api, host, prompt, prompt_config(name, settings), label)
            for name, prompt in load_all(settings.prompts_dir).items()]


def _push_one(api: Any, host: str, prompt: Prompt, config: dict[str, Any], label: str) -> Pushed:
    current = _current(api, host, prompt.name, label)
    messages = [dict(m) for m in prompt.messages]
    if current is not None and _messages(current) == messages and (current.config or {}) == config:
        return Pushed(prompt.name, int(current.version), created=False)
    from langfuse.api.prompts.types.create_chat_prompt_request import CreateChatPromptRequest
    from langfuse.api.prompts.types.create_chat_prompt_type import CreateChatPromptType

    request = CreateChatPromptRequest(name=prompt.name, prompt=messages, config=config, labels=[label],
                                      type=CreateChatPromptType.CHAT,
                                      commit_message="pushed by skillcoach prompts push")
    created = call(host, f"creating prompt {prompt.name!r}", lambda: api.prompts.create(request=request))
    return Pushed(prompt.name, int(created.version), created=True)


def _current(api: Any, host: str, name: str, label: str) -> Any:
    """The version of ``name`` that carries ``label``, or None when there is none yet."""
    try:
        return call(host, f"the lookup of prompt {name!r}",
                    lambda: api.prompts.get(quote(name, safe=""), label=label), missing_ok=True)
    except LangfuseNotFound:
        return None


def _messages(prompt: Any) -> list[dict[str, str]] | None:
    """The stored prompt as role/content messages; None for a text prompt (always different)."""
    if getattr(prompt, "type", "chat") != "chat" or not isinstance(prompt.prompt, list):
        return None
    return [{"role": getattr(m, "role", ""), "content": getattr(m, "content", "")} for m in prompt.prompt]


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
