"""Langfuse's public REST API for commands (prompts push, replay export/experiment), with one-line errors.

Commands talk to the API directly (no OpenTelemetry exporter, no background threads) and
translate every failure into a ``LangfuseAPIError`` whose message says what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from skillcoach.errors import SkillcoachError
from skillcoach.settings import Settings
from skillcoach.tracing.masking import redact_url

T = TypeVar("T")
TIMEOUT_SECONDS = 10.0
DEFAULT_BASE_URL = "https://cloud.langfuse.com"


class LangfuseAPIError(SkillcoachError, RuntimeError):
    """A Langfuse API call failed; the message is one line that says what to check."""


class LangfuseNotFound(LangfuseAPIError):
    """The API answered 404 for a thing that may simply not exist yet (a prompt, a dataset)."""


def make_api(settings: Settings, timeout: float = TIMEOUT_SECONDS) -> Any:
    """A ``LangfuseAPI`` client for the configured keys and host; raises when Langfuse is not configured."""
    if not settings.tracing_enabled:
        raise LangfuseAPIError("this command needs Langfuse: set LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY "
                               "and LANGFUSE_BASE_URL")
    from langfuse.api.client import LangfuseAPI

    assert settings.langfuse_public_key and settings.langfuse_secret_key
    public = settings.langfuse_public_key.get_secret_value()
    return LangfuseAPI(base_url=base_url(settings), username=public,
                       password=settings.langfuse_secret_key.get_secret_value(), x_langfuse_sdk_name="python",
                       x_langfuse_public_key=public, timeout=timeout)


def base_url(settings: Settings) -> str:
    """The configured Langfuse host (Langfuse Cloud when unset), without a trailing slash."""
    return (settings.langfuse_base_url or DEFAULT_BASE_URL).rstrip("/")


def call(host: str, what: str, request: Callable[[], T], *, missing_ok: bool = False) -> T:
    """Run one API request; any failure becomes a one-line ``LangfuseAPIError`` naming ``what`` was asked.

    With ``missing_ok``, a Langfuse "not found" reply raises ``LangfuseNotFound`` (the caller handles it).
    """
    import httpx
    from langfuse.api.core.api_error import ApiError
    from pydantic import ValidationError

    where = f"Langfuse at {redact_url(host)}"
    try:
        return request()
    except ApiError as exc:
        raise _api_error(where, what, exc, missing_ok) from None
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise LangfuseAPIError(f"{where} is not reachable ({_reason(exc)}): check LANGFUSE_BASE_URL") from None
    except httpx.TimeoutException:
        raise LangfuseAPIError(f"{where} did not answer {what} in time") from None
    except httpx.HTTPError as exc:
        raise LangfuseAPIError(f"{where}: {what} failed ({type(exc).__name__}: {_reason(exc)})") from None
    except (ValidationError, json.JSONDecodeError, ValueError, TypeError, KeyError):
        raise LangfuseAPIError(f"{where} sent an unexpected reply to {what}: "
                               "is LANGFUSE_BASE_URL the address of a Langfuse server?") from None


def _api_error(where: str, what: str, exc: Any, missing_ok: bool) -> LangfuseAPIError:
    status = exc.status_code
    if status == 401:
        return LangfuseAPIError(f"{where} rejected the keys (HTTP 401): check LANGFUSE_PUBLIC_KEY and "
                                "LANGFUSE_SECRET_KEY")
    if status == 403:
        return LangfuseAPIError(f"{where} refused {what} (HTTP 403): the keys lack access to this project")
    if status == 404:
        if missing_ok and _is_langfuse_body(exc.body):
            return LangfuseNotFound(f"{where}: {what}: not found")
        return LangfuseAPIError(f"{where} answered 404 to {what}: check LANGFUSE_BASE_URL (host and path)")
    if status is not None and 200 <= status < 300:  # a body the client could not read
        return LangfuseAPIError(f"{where} sent an unexpected reply to {what}: "
                                "is LANGFUSE_BASE_URL the address of a Langfuse server?")
    return LangfuseAPIError(f"{where} answered HTTP {status} to {what}")


def _is_langfuse_body(body: Any) -> bool:
    """Langfuse's own "not found" is a JSON object; a wrong path gets a proxy's or framework's page."""
    return isinstance(body, dict) and bool(body.get("message") or body.get("error"))


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def check_access(api: Any, host: str) -> None:
    """One cheap request that tells a wrong host, wrong path or wrong keys apart before real work starts."""
    projects = call(host, "the project lookup", api.projects.get)
    if not getattr(projects, "data", None):
        raise LangfuseAPIError(f"Langfuse at {redact_url(host)} knows no project for these keys")
