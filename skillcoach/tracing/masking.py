"""Remove personal data and secrets from learner text before it leaves the process."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Credentials inside a URL (scheme://user:password@host): the password goes, the rest stays readable.
URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*):(?P<password>[^\s@/]*)@")
# Secrets first (they may contain digit runs that look like phone numbers).
API_KEY = re.compile(
    r"\b(?:sk|pk|rk)-(?:[A-Za-z]+-)?[A-Za-z0-9_-]{16,}"  # sk-..., sk-proj-..., pk-lf-...
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}"  # GitHub tokens
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWTs (a JSON header, base64url)
    r"|\b[Bb]earer\s+[A-Za-z0-9._~+/-]{16,}=*"
    # long random-looking tokens: upper and lower case and digits (lowercase hex ids are left alone)
    r"|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{24,}\b"
)
PHONE = re.compile(
    r"(?<![\w.:])\+?\(?\d[\d\s()-]{7,}\d(?![\w.:])"  # 555-123-4567, +44 20 7946 0958, (555) 123 4567
    # dotted groups (555.123.4567, +1.555.123.4567); a fourth dotted group would be an IP address
    r"|(?<![\w.:+])(?:\+\d{1,3}\.)?\d{2,4}\.\d{3,4}\.\d{3,4}(?![\w:]|\.\d)"
)
PHONE_DIGITS = (9, 15)  # fewer digits is a date or a figure, more is not a phone number


def mask_text(text: str) -> str:
    """Replace URL passwords, API keys, e-mail addresses and phone numbers in the text with placeholders."""
    text = redact_url(text)
    text = API_KEY.sub("[secret]", text)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub(_phone, text)


def redact_url(text: str) -> str:
    """``scheme://user:password@host`` becomes ``scheme://user:***@host``, wherever it appears in ``text``."""
    return URL_PASSWORD.sub(lambda m: f"{m['head']}:***@", text)


def trace_user_id(learner_id: str) -> str:
    """The learner id as exported to traces: an id that is an e-mail address is replaced by a stable hash."""
    if EMAIL.search(learner_id) or PHONE.search(learner_id):
        return "learner-" + hashlib.sha256(learner_id.encode()).hexdigest()[:16]
    return learner_id


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
