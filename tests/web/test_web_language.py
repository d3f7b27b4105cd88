"""The web pages in the signed-in learner's language: Korean for a Korean learner, English unchanged."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient

from skillcoach.app.web import views
from skillcoach.i18n import translator
from skillcoach.storage.learners import set_lang
from tests.web.conftest import Browser


def test_a_korean_learner_gets_korean_pages_and_an_english_one_english(web_app: Any, browser: Browser,
                                                                         other_browser: Browser) -> None:
    browser.signup("jimin")
    other_browser.signup("ada")
    set_lang(web_app.state.web.coach.store, "jimin", "ko")
    korean = {page: browser.client.get(page).text for page in ("/session", "/dashboard", "/plan")}
    english = {page: other_browser.client.get(page).text for page in ("/session", "/dashboard", "/plan")}
    assert '<html lang="ko">' in korean["/session"]
    assert "새 세션" in korean["/session"] and "로그아웃" in korean["/session"]
    strings = re.search(r"data-strings='([^']*)'", korean["/session"])
    assert strings and json.loads(strings.group(1))["Submit answer"] == "답변 제출", "coach.js's strings too"
    assert "나의 진도" in korean["/dashboard"] and "Your progress" not in korean["/dashboard"]
    assert "계획 세우기" in korean["/plan"]
    assert '<html lang="en">' in english["/session"] and "New session" in english["/session"]
    assert "script-strings" not in english["/session"] and "새 세션" not in english["/session"]
    assert "Your progress" in english["/dashboard"] and "Make my plan for" in english["/plan"]


def test_sign_up_errors_follow_the_server_language(web_app: Any) -> None:
    web_app.state.web.settings.lang = "ko"
    with TestClient(web_app) as client:
        browser = Browser(client)
        page = client.post("/signup", data={"learner": "mina", "password": "short", "csrf_token": browser.csrf})
    assert page.status_code == 400 and "비밀번호는 10자 이상으로 정해 주세요." in page.text and "가입하기" in page.text


def test_a_korean_learners_dashboard_shows_korean_titles_and_reasons(web_app: Any, browser: Browser) -> None:
    browser.signup("jimin")
    set_lang(web_app.state.web.coach.store, "jimin", "ko")
    page = browser.client.get("/dashboard").text
    step = views.next_up(web_app.state.web.coach, "jimin")
    korean = web_app.state.web.coach.context_for("ko").curriculum.objective(step.objective_id).title
    assert korean != web_app.state.web.coach.curriculum.objective(step.objective_id).title
    assert korean in page and "학습" in page
    assert views.shown_reason(step, translator("ko").gettext) in page
    assert views.blocks_by_day({"blocks": [{"day": "2026-12-02", "start": "07:45", "minutes": 30, "kind": "learn",
                                            "objective_id": "a"}]}, lang="ko")[0]["label"] == "12월 2일 수요일"
