"""Remove personal data and secrets from learner text before it leaves the process."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Secrets first (they may contain digit runs that look like phone numbers).
API_KEY = re.compile(
    r"\b(?:sk|pk|rk)-(?:[A-Za-z]+-)?[A-Za-z0-9_-]{16,}"  # sk-..., sk-proj-..., pk-lf-...
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b"  # GitHub tokens
    # long random-looking tokens: upper and lower case and digits (lowercase hex ids are left alone)
    r"|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{24,}\b"
)
PHONE = re.compile(r"(?<![\w.:])\+?\(?\d[\d\s()-]{7,}\d(?![\w.:])")
PHONE_DIGITS = (9, 15)  # fewer digits is a date or a figure, more is not a phone number


def mask_text(text: str) -> str:
    text = API_KEY.sub("[secret]", text)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub(_phone, text)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match[0])
    low, high = PHONE_DIGITS
    return "[phone]" if low <= digits <= high else match[0]


def mask(data: Any) -> Any:
    """Mask every string inside ``data`` (dicts, lists and tuples are walked)."""
    if isinstance(data, str):
        return mask_text(data)
    if isinstance(data, dict):
        return {key: mask(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(mask(value) for value in data)
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        # e.g. LangGraph's Command(resume=...), which carries the learner's text
        return {f.name: mask(getattr(data, f.name)) for f in dataclasses.fields(data)}
    return data


def langfuse_mask(*, data: Any, **_: Any) -> Any:
    """The signature Langfuse's ``mask=`` option expects."""
    return mask(data)
