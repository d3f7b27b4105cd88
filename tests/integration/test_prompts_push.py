"""``skillcoach prompts push`` against a loopback Langfuse: versions only on change, clear one-line errors."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from skillcoach.settings import REPO_ROOT
from tests.langfuse_sink import LangfuseSink
from tests.plan_helpers import Result, cli

pytestmark = pytest.mark.integration
PROMPTS = ("planner_narrative", "quiz_variant", "reviewer_judge", "tutor_answer", "tutor_lesson")


@pytest.fixture
def langfuse_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Keys in the environment and a private copy of the prompts (tests edit it)."""
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-lf-test")
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf-test")
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO_ROOT / "prompts", prompts)
    monkeypatch.setenv("SKILLCOACH_PROMPTS_DIR", str(prompts))
    return prompts


def push(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str,
         *args: str) -> Result:
    monkeypatch.setenv("LANGFUSE_BASE_URL", url)
    return cli(capsys, monkeypatch, tmp_path / "data", "prompts", "push", *args)


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text and "pydantic" not in text.lower() and "validation error" not in text.lower()
    return lines[0]


def test_push_twice_creates_one_version_and_a_change_creates_the_next(
        langfuse_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLCOACH_MODEL_REVIEWER", "openai:gpt-4.1-mini")
    with LangfuseSink() as sink:
        first = push(capsys, monkeypatch, tmp_path, sink.url)
        assert first.code == 0, first.err
        assert first.out.splitlines() == [f"{name}: created v1 (production)" for name in PROMPTS]
        second = push(capsys, monkeypatch, tmp_path, sink.url)
        assert second.out.splitlines() == [f"{name}: unchanged v1 (production)" for name in PROMPTS]
        assert {name: len(versions) for name, versions in sink.prompts.items()} == dict.fromkeys(PROMPTS, 1)

        judge = sink.prompts["reviewer_judge"][0]
        assert judge["type"] == "chat" and judge["prompt"][0]["role"] == "system"
        assert judge["config"]["model"] == "openai:gpt-4.1-mini"
        assert judge["config"]["model_name"] == "gpt-4.1-mini" and judge["config"]["agent"] == "reviewer"
        assert sink.prompts["tutor_lesson"][0]["config"]["model"] == "offline"

        lesson = langfuse_env / "tutor_lesson.md"
        lesson.write_text(lesson.read_text(encoding="utf-8") + "\nBe brief.\n", encoding="utf-8")
        third = push(capsys, monkeypatch, tmp_path, sink.url)
        assert "tutor_lesson: created v2 (production)" in third.out.splitlines()
        assert "reviewer_judge: unchanged v1 (production)" in third.out.splitlines()
        assert sink.prompts["tutor_lesson"][1]["prompt"][-1]["content"].endswith("Be brief.")
        assert sink.prompts["tutor_lesson"][0]["labels"] == []  # the label moved to v2

        monkeypatch.setenv("SKILLCOACH_MODEL_REVIEWER", "openai:gpt-4.1")  # a config change is a change too
        fourth = push(capsys, monkeypatch, tmp_path, sink.url)
        assert "reviewer_judge: created v2 (production)" in fourth.out.splitlines()
        assert "tutor_lesson: unchanged v2 (production)" in fourth.out.splitlines()

        staging = push(capsys, monkeypatch, tmp_path, sink.url, "--label", "staging")
        assert "tutor_answer: created v2 (staging)" in staging.out.splitlines()


@pytest.mark.parametrize(("reply", "expected"), [
    ((401, b'{"message": "Invalid credentials"}', "application/json"), "rejected the keys (HTTP 401)"),
    ((404, b"<html><body>404: This page could not be found</body></html>", "text/html"),
     "answered 404 to the project lookup: check LANGFUSE_BASE_URL"),
    ((200, b"<html>a login page</html>", "text/html"), "sent an unexpected reply to the project lookup"),
    ((200, b'{"projects": "none"}', "application/json"), "sent an unexpected reply to the project lookup"),
    ((422, b"unprocessable", "text/plain"), "answered HTTP 422"),  # 5xx are retried: seconds
])
def test_bad_replies_are_one_clear_line(langfuse_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch, reply: tuple[int, bytes, str],
                                        expected: str) -> None:
    with LangfuseSink() as sink:
        sink.fail_with = reply
        result = push(capsys, monkeypatch, tmp_path, sink.url)
    line = one_line(result.err)
    assert result.code != 0 and expected in line and "not reachable" not in line
    assert not sink.prompts


def test_a_bare_404_on_a_lookup_is_a_wrong_path_not_a_missing_prompt() -> None:
    from langfuse.api.core.api_error import ApiError

    from skillcoach.llm.langfuse_api import LangfuseAPIError, LangfuseNotFound, call

    def page(body: object) -> object:
        raise ApiError(status_code=404, body=body)

    with pytest.raises(LangfuseNotFound):
        call("http://h", "the lookup", lambda: page({"error": "LangfuseNotFoundError", "message": "no"}),
             missing_ok=True)
    with pytest.raises(LangfuseAPIError, match="answered 404 to the lookup: check LANGFUSE_BASE_URL") as caught:
        call("http://h", "the lookup", lambda: page("<html>404</html>"), missing_ok=True)
    assert not isinstance(caught.value, LangfuseNotFound)


def test_unreachable_host_is_reported_as_not_reachable(langfuse_env: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = push(capsys, monkeypatch, tmp_path, f"http://127.0.0.1:{port}")
    line = one_line(result.err)
    assert result.code != 0 and "is not reachable" in line and "LANGFUSE_BASE_URL" in line


def test_push_without_keys_names_the_variables(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli(capsys, monkeypatch, tmp_path / "data", "prompts", "push")
    assert result.code != 0 and "LANGFUSE_PUBLIC_KEY" in one_line(result.err)
