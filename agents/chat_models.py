"""The chat-model factory: 'offline' (no model) or 'provider:model' via langchain's init_chat_model."""

from __future__ import annotations

import os
from typing import Any

from skillcoach.errors import SkillcoachError
from skillcoach.settings import Settings

OFFLINE = "offline"
PROVIDER_EXTRAS = {"openai": "openai", "anthropic": "anthropic", "ollama": "ollama"}
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


class ModelConfigError(SkillcoachError, ValueError):
    """Raised when the configured chat model cannot be built (unknown provider, missing key or package)."""

    pass


def make_chat_model(spec: str, settings: Settings) -> Any | None:
    """A LangChain chat model for ``spec``, or None for the offline engine."""
    if spec == OFFLINE:
        return None
    provider, sep, model = spec.partition(":")
    if not sep or not provider or not model:
        raise ModelConfigError(f"model {spec!r}: use 'offline' or 'provider:model', e.g. openai:gpt-4.1-mini")
    _check_key(provider, spec, settings)
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
        if "provider" in str(exc).lower():
            raise ModelConfigError(f"unknown model provider {provider!r} in model {spec!r}: set SKILLCOACH_MODEL "
                                   "(or --model) to 'offline' or e.g. openai:gpt-4.1-mini, anthropic:..., "
                                   "ollama:...") from None
        raise ModelConfigError(f"model {spec!r}: {_first_line(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - provider clients raise their own types for bad settings
        raise ModelConfigError(f"model {spec!r} cannot start: {_first_line(exc)} "
                               "(check SKILLCOACH_MODEL and the provider's variables)") from None


def _check_key(provider: str, spec: str, settings: Settings) -> None:
    """A missing API key is a configuration error that names the variable to set."""
    variable = KEY_VARIABLES.get(provider)
    if variable and settings.model_api_key is None and not os.environ.get(variable) and not settings.model_base_url:
        raise ModelConfigError(f"model {spec!r} needs an API key: set {variable} (or SKILLCOACH_MODEL_API_KEY), "
                               "or use SKILLCOACH_MODEL=offline")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
