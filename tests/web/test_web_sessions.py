"""Sessions in the web app: on a chosen objective, the transcript after a reload, many learners at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import Browser, step

pytestmark = pytest.mark.integration


def later_objective(browser: Browser) -> str:
    curriculum = browser.client.app.state.web.coach.curriculum
    return str(next(o for o in curriculum.order[1:] if not curriculum.objective(o).prerequisites))


def test_the_api_opens_a_session_on_a_chosen_objective(browser: Browser) -> None:
    browser.signup("ada")
    first = browser.post("/api/sessions").json()
    chosen = later_objective(browser)
    opened = browser.post("/api/sessions", {"objective_id": chosen}).json()
    assert opened["session_id"] != first["session_id"], "a new session, the open one closed"
    assert opened["pending"]["objective_id"] == chosen and opened["history"] == []
    unknown = browser.post("/api/sessions", {"objective_id": "no/such"})
    assert unknown.status_code == 400 and "unknown objective" in unknown.json()["detail"]
    assert browser.post("/api/sessions").json()["session_id"] == opened["session_id"]


def test_the_plan_page_starts_any_block(browser: Browser) -> None:
    import re

    browser.signup("bo")
    page = browser.client.get("/plan").text
    week = re.search(r'name="week" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    made = browser.client.post("/plan", data={"week": week, "csrf_token": browser.csrf}).text
    blocks = re.findall(r'name="objective_id" value="([^"]+)"', made)
    assert len(blocks) >= 2 and made.count("Start this block (next up)") == 1
    chosen = blocks[-1]
    started = browser.client.post("/plan/start", data={"csrf_token": browser.csrf, "objective_id": chosen},
                                  follow_redirects=False)
    assert started.status_code == 303
    state = browser.post("/api/sessions").json()
    plan = browser.client.app.state.web.coach.curriculum.with_prerequisites([chosen])
    assert state["pending"]["objective_id"] in plan, "the block's objective, or the prerequisite it needs"


def test_a_reload_redraws_the_exchange_so_far(browser: Browser) -> None:
    browser.signup("cy")
    state = step(browser, browser.post("/api/sessions").json()).json()  # past the lesson
    feedback = []
    for _ in range(2):
        state = step(browser, state).json()
        feedback += [e for e in state["events"] if e["type"] == "feedback"]
    again = browser.post("/api/sessions").json()
    history = again["history"]
    types = [e["type"] for e in history]
    assert types[:2] == ["plan", "lesson"] and types.count("mine") == 3  # continue and two answers
    shown = [e for e in history if e["type"] == "feedback"]
    assert [(f["verdict"], f["text"]) for f in shown] == [(f["verdict"], f["text"]) for f in feedback]
    assert all("html" in f and "mastery" in f for f in shown)
    assert history[-1]["type"] == "feedback" and again["pending"]["type"] == "question"
    assert again["pending"]["text"] not in [e.get("text") for e in history[-1:]], "the current question once"
    lesson = history[1]
    assert lesson["title"] and len(lesson["text"]) == len(state_lesson(browser, again["session_id"]))
    assert browser.client.get(f"/api/sessions/{again['session_id']}").json()["history"] == history


def state_lesson(browser: Browser, session_id: str) -> str:
    """The first lesson's whole text, from the session's first wait in the checkpointer."""
    from skillcoach.app.web.transcript import waits_by_turn

    return str(waits_by_turn(browser.client.app.state.web.coach, session_id)[0]["text"])


@pytest.mark.slow  # four sign-ups (Argon2) and sixteen turns at once: a few seconds
def test_many_learners_answer_at_once_and_each_answer_counts_once(web_app: Any) -> None:
    learners = [f"l{i}" for i in range(4)]
    browsers = []
    for name in learners:
        browser = Browser(TestClient(web_app))  # no lifespan: the first client to close would close the coach
        browser.signup(name)
        browsers.append(browser)
    answered: dict[str, int] = {}
    problems: list[str] = []

    def learn(browser: Browser, name: str) -> None:
        state = browser.post("/api/sessions").json()
        count = 0
        for _ in range(5):
            if state["finished"]:
                break
            reply = step(browser, state)
            if reply.status_code != 200:
                problems.append(f"{name}: {reply.status_code} {reply.text}")
                return
            state = reply.json()
            count += sum(e["type"] == "feedback" for e in state["events"])
        answered[name] = count

    threads = [threading.Thread(target=learn, args=(b, n)) for b, n in zip(browsers, learners, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not problems and len(answered) == len(learners)
    store = web_app.state.web.coach.store
    for name in learners:
        attempts = store.attempts(learner_id=name)
        assert len(attempts) == answered[name] > 0, name
        assert len({(a.session_id, a.turn) for a in attempts}) == len(attempts)


def test_the_same_answer_sent_at_once_from_two_tabs_counts_once(browser: Browser) -> None:
    browser.signup("dee")
    state = step(browser, browser.post("/api/sessions").json()).json()  # a question waits
    replies: list[int] = []
    tabs = [threading.Thread(target=lambda: replies.append(step(browser, state).status_code)) for _ in range(3)]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join(timeout=60)
    assert sorted(replies) == [200, 409, 409]
    assert len(browser.client.app.state.web.coach.store.attempts(learner_id="dee")) == 1
