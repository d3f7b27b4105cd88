"""Fixtures for the web face: an app on a fresh SQLite database, and signed-up browsers (TestClient)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillcoach.settings import Settings
from tests.helpers import reply_for

PASSWORD = "correct horse battery"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page carries a CSRF token"
    return found.group(1)


class Browser:
    """A TestClient with the CSRF token of its cookie session at hand."""

    def __init__(self, client: TestClient):
        self.client = client
        self.csrf = csrf_of(client.get("/signup").text)

    def signup(self, name: str, password: str = PASSWORD) -> None:
        reply = self.client.post("/signup", data={"learner": name, "password": password, "csrf_token": self.csrf},
                                   follow_redirects=False)
        assert reply.status_code == 303, reply.text
        self.csrf = csrf_of(self.client.get("/session").text)  # signing in starts a fresh cookie session

    def post(self, url: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(url, json=body or {}, headers={"X-CSRF-Token": self.csrf})


@pytest.fixture
def web_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    from skillcoach.app.web.app import create_app

    return create_app(Settings(data_dir=tmp_path / "data"))


@pytest.fixture
def browser(web_app) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    with TestClient(web_app) as client:
        yield Browser(client)


@pytest.fixture
def other_browser(web_app) -> Iterator[Browser]:  # type: ignore[no-untyped-def]
    with TestClient(web_app) as client:
        yield Browser(client)


def step(browser: Browser, state: dict[str, Any]) -> Any:
    """Send the scripted learner's reply to the session's pending event through the JSON API."""
    message = reply_for(browser.client.app.state.web.coach.curriculum, state["pending"])
    kind, text = next(iter(message.items()))
    return browser.post(f"/api/sessions/{state['session_id']}/messages",
                        {"kind": kind, "text": text, "turn": state["turn"]})
