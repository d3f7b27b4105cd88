"""Who is asking: the signed session cookie, CSRF tokens, and the account behind a request."""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import time
from pathlib import Path

from fastapi import HTTPException, Request

from skillcoach.app.web.accounts import Account

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
LOCAL_LEARNER = "local"


class NotSignedIn(Exception):
    """Raised by ``account``; pages answer with a redirect to sign-in, the API with 401."""


def secret_key(data_dir: Path) -> str:
    """The cookie-signing key: $SKILLCOACH_WEB_SECRET, else one made once and kept in the data dir."""
    configured = os.environ.get("SKILLCOACH_WEB_SECRET")
    if configured:
        return configured
    path = data_dir / "web-secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # readable by the owner only
    except FileExistsError:  # another worker made it a moment ago
        time.sleep(0.2)
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def is_loopback(host: str) -> bool:
    """Tell whether the host name or address is this machine only, so local mode may skip sign-in."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """A state-changing request must echo the session's token (header for fetch, field for forms)."""
    expected = request.session.get("csrf")
    sent: object = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, str(expected)):
        raise HTTPException(403, "The form has expired or did not come from this site: reload the page and try again.")


def account(request: Request) -> Account:
    """The signed-in account (or the local learner in --local mode)."""
    web = request.app.state.web
    if web.local:
        return Account(LOCAL_LEARNER, operator=True)
    learner_id = request.session.get("learner")
    found: Account | None = web.accounts.get(learner_id) if isinstance(learner_id, str) else None
    if found is None:
        raise NotSignedIn()
    return found


def operator(request: Request) -> Account:
    """The signed-in account if it is an operator; others get a 404, as if the page did not exist."""
    who = account(request)
    if not who.operator:
        raise HTTPException(404, "Not found.")
    return who


def sign_in(request: Request, learner_id: str) -> None:
    """Start a fresh cookie session (a new CSRF token too, against session fixation)."""
    request.session.clear()
    request.session["learner"] = learner_id
    csrf_token(request)
