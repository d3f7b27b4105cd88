"""The web face on PostgreSQL, and the ``serve`` / ``web-user`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from skillcoach.settings import Settings
from tests.integration.test_postgres import pg_url  # noqa: F401 - the fixture
from tests.web.conftest import PASSWORD, Browser

pytestmark = pytest.mark.integration


@pytest.mark.postgres
def test_accounts_and_a_turn_on_postgres(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    from skillcoach.app.web.app import create_app

    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=pg_url))) as client:
        browser = Browser(client)
        browser.signup("ada")
        state = browser.post("/api/sessions").json()
        moved = browser.post(f"/api/sessions/{state['session_id']}/messages",
                             {"kind": "command", "text": "continue", "turn": state["turn"]})
        assert moved.status_code == 200 and moved.json()["pending"]["type"] == "question"
        assert browser.client.get(f"/api/sessions/{state['session_id']}").json()["turn"] == state["turn"] + 1


def test_web_user_add_makes_an_operator_who_can_sign_in(tmp_path: Path) -> None:
    from skillcoach.app.cli.app import app
    from skillcoach.app.web.accounts import Accounts
    from skillcoach.storage.store import Store

    data = tmp_path / "data"
    runner = CliRunner()
    added = runner.invoke(app, ["--data-dir", str(data), "web-user", "add", "ops", "--operator"],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    account = Accounts(Store(Settings(data_dir=data).resolved_database_url)).verify("ops", PASSWORD)
    assert account is not None and account.operator
    again = runner.invoke(app, ["--data-dir", str(data), "web-user", "add", "ops"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code != 0 and "exists already" in str(again.exception or again.output)


def test_serve_local_refuses_a_public_address() -> None:
    from skillcoach.app.cli.app import app
    from skillcoach.app.cli.errors import UserError

    result = CliRunner().invoke(app, ["serve", "--local", "--host", "0.0.0.0"])
    assert isinstance(result.exception, UserError) and "loopback only" in str(result.exception)
