"""The browser face over HTTP (TestClient): sign-in, CSRF, authorization, resume and double answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, Browser, step

pytestmark = pytest.mark.integration


def test_pages_and_api_need_sign_in(browser: Browser) -> None:
    assert browser.client.get("/session", follow_redirects=False).headers["location"] == "/signin"
    assert browser.client.get("/api/progress").status_code == 401
    assert browser.post("/api/sessions").status_code == 401


def test_sign_up_sign_in_and_wrong_password(browser: Browser, other_browser: Browser) -> None:
    browser.signup("ada")
    assert browser.client.get("/api/me").json()["learner_id"] == "ada"
    bad = other_browser.client.post("/signin", data={"learner": "ada", "password": "wrong password!",
                                                     "csrf_token": other_browser.csrf})
    assert bad.status_code == 400 and "do not match" in bad.text
    good = other_browser.client.post("/signin", data={"learner": "ada", "password": PASSWORD,
                                                      "csrf_token": other_browser.csrf}, follow_redirects=False)
    assert good.status_code == 303 and other_browser.client.get("/api/me").json()["learner_id"] == "ada"


def test_the_password_is_stored_as_an_argon2_hash(browser: Browser) -> None:
    browser.signup("ada")
    from sqlalchemy import select

    from skillcoach.app.web.accounts import web_accounts

    with browser.client.app.state.web.coach.store.transaction() as db:
        stored = db.execute(select(web_accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_session_cookie_is_httponly_and_lax(browser: Browser) -> None:
    reply = browser.client.post("/signup", data={"learner": "bo", "password": PASSWORD, "csrf_token": browser.csrf},
                                follow_redirects=False)
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_a_short_password_and_a_taken_name_are_refused(browser: Browser, other_browser: Browser) -> None:
    short = browser.client.post("/signup", data={"learner": "ada", "password": "short", "csrf_token": browser.csrf})
    assert short.status_code == 400 and "at least 10" in short.text
    browser.signup("ada")
    taken = other_browser.client.post("/signup", data={"learner": "ada", "password": PASSWORD,
                                                       "csrf_token": other_browser.csrf})
    assert taken.status_code == 400 and "taken" in taken.text


def test_posts_without_the_csrf_token_are_refused(browser: Browser) -> None:
    browser.signup("ada")
    assert browser.client.post("/api/sessions", json={}).status_code == 403
    assert browser.client.post("/api/sessions", json={}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert browser.client.post("/signout", data={"csrf_token": "forged"}).status_code == 403
    assert browser.post("/api/sessions").status_code == 200


def test_sign_in_is_rate_limited(browser: Browser) -> None:
    browser.signup("ada")
    codes = [browser.client.post("/signin", data={"learner": "ada", "password": f"wrong guess {n}",
                                                  "csrf_token": browser.csrf}).status_code for n in range(6)]
    assert codes[:5] == [400] * 5 and codes[5] == 429
    right = browser.client.post("/signin", data={"learner": "ada", "password": PASSWORD, "csrf_token": browser.csrf})
    assert right.status_code == 429, "even the right password waits out the lock"


def test_learner_b_cannot_read_or_change_a_session_of_a(browser: Browser, other_browser: Browser) -> None:
    browser.signup("ada")
    other_browser.signup("bo")
    state = browser.post("/api/sessions").json()
    url = f"/api/sessions/{state['session_id']}"
    assert other_browser.client.get(url).status_code == 404
    stolen = other_browser.post(f"{url}/messages", {"kind": "command", "text": "continue", "turn": state["turn"]})
    assert stolen.status_code == 404
    assert browser.client.get(url).json()["turn"] == state["turn"], "A's session did not move"
    assert other_browser.client.get("/api/sessions").json() == []


def test_only_operators_see_replays(web_app: Any, browser: Browser) -> None:
    browser.signup("ada")
    browser.post("/api/sessions")
    assert browser.client.get("/replays").status_code == 404
    assert browser.client.get("/api/replays").status_code == 404
    web_app.state.web.accounts.set_operator("ada", True)
    rows = browser.client.get("/api/replays").json()
    assert [r["learner_id"] for r in rows] == ["ada"]
    assert browser.client.get(f"/replays/{rows[0]['session_id']}").status_code == 200


def test_a_reload_resumes_the_same_question(browser: Browser) -> None:
    browser.signup("ada")
    state = browser.post("/api/sessions").json()
    state = step(browser, state).json()  # past the lesson: a question waits
    assert state["pending"]["type"] == "question"
    again = browser.post("/api/sessions").json()  # what the page does on load
    assert again["session_id"] == state["session_id"]
    assert again["pending"]["item_id"] == state["pending"]["item_id"] and again["turn"] == state["turn"]


def test_two_tabs_never_count_one_answer_twice(browser: Browser) -> None:
    browser.signup("ada")
    state = step(browser, browser.post("/api/sessions").json()).json()
    first = step(browser, state)
    second = step(browser, state)  # the other tab still shows the old question and turn
    assert first.status_code == 200 and second.status_code == 409
    assert "already answered" in second.json()["detail"]
    attempts = browser.client.app.state.web.coach.store.attempts(learner_id="ada")
    assert len(attempts) == 1


def test_a_whole_session_over_http_reaches_the_summary(browser: Browser) -> None:
    browser.signup("ada")
    state = browser.post("/api/sessions").json()
    types: list[str] = []
    for _ in range(200):
        if state["finished"]:
            break
        reply = step(browser, state)
        assert reply.status_code == 200, reply.text
        state = reply.json()
        types += [e["type"] for e in state["events"]]
    assert state["finished"] and types[-1] == "summary"
    feedback = [e for e in state["events"] if e["type"] == "feedback"]
    assert all("mastery_before" in f and "html" in f for f in feedback)
    progress = browser.client.get("/api/progress").json()
    assert progress["answers"] > 0 and len(progress["forecast"]) == 30
    assert sum(day["answers"] for day in progress["activity"]) == progress["answers"]


def test_markdown_is_rendered_without_raw_html() -> None:
    from skillcoach.app.web.sessions import with_html

    rendered = with_html({"type": "answer", "text": "**bold** <script>alert(1)</script> [x](javascript:alert(1))"})
    assert "<strong>bold</strong>" in rendered["html"]
    assert "<script>" not in rendered["html"] and "&lt;script&gt;" in rendered["html"]
    assert 'href="javascript:' not in rendered["html"]


def test_plan_page_makes_a_plan_and_serves_the_ics(browser: Browser) -> None:
    browser.signup("ada")
    page = browser.client.get("/plan").text
    import html
    import re

    week = re.search(r'name="week" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    made = browser.client.post("/plan", data={"week": week, "csrf_token": browser.csrf})
    assert made.status_code == 200 and made.text.count("Start this block (next up)") == 1
    title = re.search(r'aria-label="Start this block: ([^"]+)"', made.text).group(1)  # type: ignore[union-attr]
    started = browser.client.post("/plan/start", data={"csrf_token": browser.csrf}, follow_redirects=False)
    assert started.status_code == 303
    pending = browser.post("/api/sessions").json()["pending"]
    assert pending["type"] == "lesson" and html.unescape(title) == pending["title"]
    ics = browser.client.get(f"/api/plans/{week}/ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content


def test_local_mode_needs_no_sign_in(tmp_path: Any) -> None:
    from skillcoach.app.web.app import create_app
    from skillcoach.settings import Settings

    with TestClient(create_app(Settings(data_dir=tmp_path / "d"), local=True)) as client:
        me = client.get("/api/me").json()
        assert me["learner_id"] == "local" and me["operator"]
        assert client.get("/dashboard").status_code == 200


def test_the_openapi_page_documents_the_api(browser: Browser) -> None:
    paths = browser.client.get("/openapi.json").json()["paths"]
    assert {"/api/sessions", "/api/sessions/{session_id}/messages", "/api/progress", "/api/plans/{week}"} <= set(paths)
    assert "/signin" not in paths
    docs = browser.client.get("/docs").text
    assert "POST /api/sessions/{session_id}/messages" in docs
    # Offline: nothing is loaded from another host (a random CSRF token may well contain "cdn").
    hosts = set(re.findall(r"""(?:src|href)=["']?(?:https?:)?//([^/"'>]+)""", docs))
    assert hosts <= {"testserver"}, f"assets from other hosts: {hosts}"


def test_a_turn_streams_as_server_sent_events(browser: Browser) -> None:
    browser.signup("ada")
    state = browser.post("/api/sessions").json()
    url = f"/api/sessions/{state['session_id']}/messages"
    body = {"kind": "command", "text": "continue", "turn": state["turn"]}
    with browser.client.stream("POST", url, json=body, headers={"X-CSRF-Token": browser.csrf,
                                                                "Accept": "text/event-stream"}) as reply:
        assert reply.headers["content-type"].startswith("text/event-stream")
        text = "".join(reply.iter_text())
    names = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("event: ")]
    assert names[-1] == "done" and "event" in names
    import json

    done = json.loads(text.rstrip().splitlines()[-1].split(": ", 1)[1])
    assert done["turn"] == state["turn"] + 1 and done["pending"]["type"] == "question"
    stale = browser.client.post(url, json=body, headers={"X-CSRF-Token": browser.csrf, "Accept": "text/event-stream"})
    assert stale.status_code == 409, "a stale turn is refused before any stream starts"


def test_a_refused_answer_streams_its_error(browser: Browser) -> None:
    browser.signup("ada")
    state = step(browser, browser.post("/api/sessions").json()).json()
    url = f"/api/sessions/{state['session_id']}/messages"
    body = {"kind": "answer", "text": "   ", "turn": state["turn"]}
    reply = browser.client.post(url, json=body, headers={"X-CSRF-Token": browser.csrf, "Accept": "text/event-stream"})
    assert '"type": "error"' in reply.text and "event: done" in reply.text
    assert browser.client.app.state.web.coach.store.attempts(learner_id="ada") == []


def test_an_operator_replays_a_session_and_sees_it_identical(web_app: Any, browser: Browser) -> None:
    browser.signup("ada")
    web_app.state.web.accounts.set_operator("ada", True)
    state = browser.post("/api/sessions").json()
    for _ in range(4):
        state = step(browser, state).json()
    result = browser.post(f"/api/replays/{state['session_id']}/run").json()
    assert result["identical"] and len(result["turns"]) >= 4
    page = browser.client.post(f"/replays/{state['session_id']}/run", data={"csrf_token": browser.csrf})
    assert page.status_code == 200 and "Identical" in page.text


def test_a_learner_cannot_run_replays(browser: Browser) -> None:
    browser.signup("ada")
    state = browser.post("/api/sessions").json()
    assert browser.post(f"/api/replays/{state['session_id']}/run").status_code == 404


def test_an_operator_plans_the_week_for_everyone(web_app: Any, browser: Browser, other_browser: Browser) -> None:
    other_browser.signup("bo")
    browser.signup("ada")
    web_app.state.web.accounts.set_operator("ada", True)
    counts = browser.post("/api/batch/plans/2026-W50").json()
    assert counts["planned"] == 2 and counts["failed"] == 0
    assert other_browser.client.get("/api/plans/2026-W50").json()["learner_id"] == "bo"
    assert other_browser.post("/api/batch/plans/2026-W50").status_code == 404, "learners cannot run the batch"


def test_pages_send_a_strict_content_security_policy(browser: Browser) -> None:
    headers = browser.client.get("/signin").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_sign_ups_from_one_address_are_limited(web_app: Any, browser: Browser) -> None:
    from tests.web.conftest import csrf_of

    web_app.state.web.signups.limit = 2
    codes = []
    for n in range(3):
        token = csrf_of(browser.client.get("/signup").text)  # signing up starts a fresh cookie session
        codes.append(browser.client.post("/signup", data={"learner": f"u{n}", "password": PASSWORD,
                                                          "csrf_token": token}, follow_redirects=False).status_code)
    assert codes == [303, 303, 429]


def test_sign_up_cannot_take_over_a_learner_made_outside_the_web(web_app: Any, browser: Browser) -> None:
    web_app.state.web.coach.store.ensure_learner("imported")  # e.g. from 'learner import FILE.csv'
    taken = browser.client.post("/signup", data={"learner": "imported", "password": PASSWORD,
                                                 "csrf_token": browser.csrf}, follow_redirects=False)
    assert taken.status_code == 400 and "taken" in taken.text
    web_app.state.web.accounts.create("imported", PASSWORD, claim=True)  # what 'web-user add' does
    assert web_app.state.web.accounts.verify("imported", PASSWORD) is not None
