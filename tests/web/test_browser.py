"""End to end in a real browser: Debian's Chromium driven by Playwright against ``skillcoach serve``.

Screenshots land in tests/artifacts/screenshots/ (gitignored; CI keeps them as artifacts).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

CHROMIUM = Path(os.environ.get("SKILLCOACH_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(os.environ.get("SKILLCOACH_AXE_JS", "/tmp/skillcoach-axe/node_modules/axe-core/axe.min.js"))
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
PASSWORD = "correct horse battery"

if not CHROMIUM.exists():
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium; .ci/run does)",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"skillcoach serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("skillcoach serve did not start listening in time")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``skillcoach serve`` on a free loopback port and a fresh data directory."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGFUSE_", "SKILLCOACH_"))}
    data = tmp_path_factory.mktemp("web-e2e")
    command = [sys.executable, "-c", "from skillcoach.app.cli import main; main()", "--data-dir", str(data),
               "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def sign_up(page: object, base: str, name: str) -> None:
    page.goto(f"{base}/signup")  # type: ignore[attr-defined]
    page.get_by_label("Learner name").fill(name)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign up").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/session")  # type: ignore[attr-defined]


def answer_by_clicking(page: object) -> None:
    """Answer the question on screen with the mouse (first choice) or by typing (short answers)."""
    short = page.locator("#short")  # type: ignore[attr-defined]
    if short.count():
        short.fill("It depends on the evidence in the sources.")
    else:
        page.locator("label.choice").first.click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Submit answer").click()  # type: ignore[attr-defined]


def wait_for_turn(page: object) -> str:
    """Wait until the coach waits again; say what for: lesson, question or finished."""
    page.wait_for_selector("#pending:not([aria-busy=true])", state="attached")  # type: ignore[attr-defined]
    page.wait_for_selector("#continue, #answer-form, #pending h2:text('Session finished')")  # type: ignore[attr-defined]
    if page.locator("#pending h2:text('Session finished')").count():  # type: ignore[attr-defined]
        return "finished"
    return "lesson" if page.locator("#continue").count() else "question"  # type: ignore[attr-defined]


def run_axe(page: object) -> list[dict]:
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")  # type: ignore[attr-defined]
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_a_learner_signs_up_takes_a_session_resumes_and_sees_progress(server: str, chromium: object) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 375, "height": 800}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    sign_up(page, server, "ada")
    assert wait_for_turn(page) == "lesson"
    page.get_by_role("button", name=re.compile("Start practising")).click()
    assert wait_for_turn(page) == "question"
    question = page.locator("#answer-form .body").inner_text()
    page.screenshot(path=str(SHOTS / "session-375.png"), full_page=True)

    page.reload()  # mid-question: the same question comes back
    assert wait_for_turn(page) == "question"
    assert page.locator("#answer-form .body").inner_text() == question

    page.keyboard.press("1")  # keyboard-only answering
    page.keyboard.press("Enter")
    page.wait_for_selector("article.event.feedback")
    assert "mastery" in page.locator("article.event.feedback").last.inner_text()
    wait_for_turn(page)
    page.screenshot(path=str(SHOTS / "session-feedback-375.png"), full_page=True)

    for _ in range(80):
        state = wait_for_turn(page)
        if state == "finished":
            break
        if state == "lesson":
            page.get_by_role("button", name=re.compile("Start practising")).click()
        else:
            answer_by_clicking(page)
    assert wait_for_turn(page) == "finished"
    assert page.locator("article.event.summary").count() == 1
    page.set_viewport_size({"width": 1100, "height": 900})
    page.locator("article.event.summary").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "session-finished.png"))

    page.goto(f"{server}/dashboard")
    assert page.locator("svg[role=img]").count() >= 3 and page.locator("ul.bars li").count() > 10
    assert page.get_by_role("heading", name="Mastery by skill and objective").is_visible()
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(SHOTS / "dashboard-375.png"), full_page=True)

    page.goto(f"{server}/plan")
    page.get_by_role("button", name=re.compile("Make my plan")).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download")).click()
    assert download.value.suggested_filename.endswith(".ics")
    assert b"BEGIN:VCALENDAR" in Path(download.value.path()).read_bytes()
    page.screenshot(path=str(SHOTS / "plan-375.png"), full_page=True)
    context.close()


def test_a_second_learner_cannot_open_the_first_learners_pages(server: str, chromium: object) -> None:
    first = chromium.new_context()  # type: ignore[attr-defined]
    page = first.new_page()
    sign_up(page, server, "cy")
    wait_for_turn(page)
    session_id = page.evaluate("async () => (await (await fetch('/api/sessions')).json())[0].session_id")
    second = chromium.new_context()  # type: ignore[attr-defined]
    intruder = second.new_page()
    sign_up(intruder, server, "dee")
    reply = intruder.goto(f"{server}/api/sessions/{session_id}")
    assert reply.status == 404
    assert intruder.goto(f"{server}/replays").status == 404
    intruder.goto(f"{server}/dashboard")  # a page of their own, for its CSRF token
    status = intruder.evaluate(
        "async (id) => (await fetch(`/api/sessions/${id}/messages`, {method: 'POST', headers: {'Content-Type':"
        " 'application/json', 'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},"
        " body: JSON.stringify({kind: 'command', text: 'continue'})})).status", session_id)
    assert status == 404
    first.close()
    second.close()


@pytest.mark.skipif(not AXE.exists(), reason=f"axe-core is not installed at {AXE} (.ci/run installs it from npm)")
def test_pages_have_no_serious_accessibility_violations(server: str, chromium: object) -> None:
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids
    context = chromium.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/signup")
    assert run_axe(page) == []
    sign_up(page, server, "eve")
    wait_for_turn(page)
    page.get_by_role("button", name=re.compile("Start practising")).click()
    wait_for_turn(page)
    problems = {"session": run_axe(page)}
    for name in ("dashboard", "plan"):
        page.goto(f"{server}/{name}")
        problems[name] = run_axe(page)
    found = {k: [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in vs] for k, vs in problems.items()}
    assert all(not vs for vs in problems.values()), found
    context.close()


def test_two_tabs_of_one_learner_never_count_an_answer_twice(server: str, chromium: object) -> None:
    context = chromium.new_context()  # type: ignore[attr-defined]
    first = context.new_page()
    sign_up(first, server, "fay")
    wait_for_turn(first)
    first.get_by_role("button", name=re.compile("Start practising")).click()
    assert wait_for_turn(first) == "question"
    second = context.new_page()  # the same cookie: a second tab on the same question
    second.goto(f"{server}/session")
    assert wait_for_turn(second) == "question"
    answer_by_clicking(first)
    first.wait_for_selector("article.event.feedback")
    answer_by_clicking(second)
    second.wait_for_selector("#status.error")
    assert "already answered" in second.locator("#status").inner_text()
    assert second.locator("article.event.feedback").count() == 0
    answers = first.evaluate("async () => (await (await fetch('/api/progress')).json()).answers")
    assert answers == 1
    context.close()


def test_start_this_block_opens_a_session_on_that_blocks_objective(server: str, chromium: object) -> None:
    from skillcoach.curriculum.catalog import load_curriculum
    from skillcoach.settings import Settings

    curriculum = load_curriculum(Settings().curriculum_dir)
    free = {curriculum.objective(o).title for o in curriculum.order if not curriculum.objective(o).prerequisites}
    context = chromium.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    sign_up(page, server, "gus")
    wait_for_turn(page)
    page.goto(f"{server}/plan")
    page.get_by_role("button", name=re.compile("Make my plan")).click()
    buttons = page.get_by_role("button", name=re.compile("^Start this block: "))
    titles = [str(b.get_attribute("aria-label")).removeprefix("Start this block: ") for b in buttons.all()]
    later = next(i for i, t in enumerate(titles) if i > 0 and t in free and t != titles[0])  # not the first block
    assert "next up" not in buttons.nth(later).inner_text()
    buttons.nth(later).click()
    page.wait_for_url(f"{server}/session")
    assert wait_for_turn(page) == "lesson"
    assert page.locator("#pending h2").first.inner_text() == titles[later]
    assert page.locator("article.event.plan").last.inner_text().count("the block you chose") == 1
    context.close()


def test_a_reload_redraws_the_earlier_exchange(server: str, chromium: object) -> None:
    context = chromium.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    sign_up(page, server, "hal")
    assert wait_for_turn(page) == "lesson"
    page.get_by_role("button", name=re.compile("Start practising")).click()
    answered = 0
    while answered < 2:
        state = wait_for_turn(page)
        if state == "lesson":
            page.get_by_role("button", name=re.compile("Start practising")).click()
            continue
        answer_by_clicking(page)
        answered += 1
        page.wait_for_selector(f"article.event.feedback >> nth={answered - 1}")
    assert wait_for_turn(page) in ("question", "lesson")
    feedback = page.locator("article.event.feedback").all_inner_texts()
    pending = page.locator("#pending").inner_text()
    page.reload()
    assert wait_for_turn(page) in ("question", "lesson")
    assert page.locator("article.event.feedback").all_inner_texts() == feedback
    assert page.locator("article.event.mine").count() >= 3, "the learner's own answers are back too"
    assert page.locator("article.event.lesson").count() >= 1
    assert page.locator("#pending").inner_text() == pending
    context.close()
