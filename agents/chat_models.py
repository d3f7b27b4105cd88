"""The chat-model factory: 'offline' (no model) or 'provider:model' via langchain's init_chat_model."""

from __future__ import annotations

from typing import Any

from skillcoach.errors import SkillcoachError
from skillcoach.settings import Settings

OFFLINE = "offline"
PROVIDER_EXTRAS = {"openai": "openai", "anthropic": "anthropic", "ollama": "ollama"}


class ModelConfigError(SkillcoachError, ValueError):
    pass


def make_chat_model(spec: str, settings: Settings) -> Any | None:
    """A LangChain chat model for ``spec``, or None for the offline engine."""
    if spec == OFFLINE:
        return None
    provider, sep, model = spec.partition(":")
    if not sep or not provider or not model:
        raise ModelConfigError(f"model {spec!r}: use 'offline' or 'provider:model', e.g. openai:gpt-4.1-mini")
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"timeout": settings.model_timeout, "max_retries": settings.model_retries}
    if settings.model_base_url:
        kwargs["base_url"] = settings.model_base_url
    if settings.model_api_key:
        kwargs["api_key"] = settings.model_api_key.get_secret_value()
    try:
        return init_chat_model(model, model_provider=provider, **kwargs)
    except ImportError:
        extra = PROVIDER_EXTRAS.get(provider, provider)
        raise ModelConfigError(f"provider {provider!r} is not installed: pip install -e '.[{extra}]'") from None
    except ValueError as exc:
        raise ModelConfigError(f"model {spec!r}: {exc}") from None
