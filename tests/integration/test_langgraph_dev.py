"""``langgraph dev`` serves the coach graph: started on loopback, driven through langgraph-sdk.

A thread is created, a run goes to the first interrupt (the lesson), resumes walk it through a
question and its feedback. The server gets no context from us: the graph builds it from settings.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.settings import REPO_ROOT
from tests.conftest import CURRICULUM
from tests.helpers import reply_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CUR = load_curriculum(CURRICULUM)
LANGGRAPH = Path(sys.executable).parent / "langgraph"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, f"langgraph dev exited:\n{log.read_text()[-4000:]}"
        try:
            if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"langgraph dev did not answer in {seconds} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``langgraph dev`` on a free loopback port with the repo's langgraph.json, run from a temp folder
    (the server keeps its files in its working folder), paths made absolute for that."""
    assert LANGGRAPH.exists(), "langgraph-cli[inmem] is part of the test extra: pip install -e '.[test]'"
    folder = tmp_path_factory.mktemp("langgraph-dev")
    port = free_port()
    log = folder / "server.log"
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(folder / "data"), "LANGSMITH_TRACING": "false",
           "LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGCHAIN_TRACING_V2": "false"}
    config = json.loads((REPO_ROOT / "langgraph.json").read_text())
    config["dependencies"] = [str(REPO_ROOT / d) for d in config["dependencies"]]
    config["graphs"] = {name: str(REPO_ROOT / path) for name, path in config["graphs"].items()}
    (folder / "langgraph.json").write_text(json.dumps(config))
    command = [str(LANGGRAPH), "dev", "--host", "127.0.0.1", "--port", str(port), "--no-browser", "--no-reload",
               "--config", str(folder / "langgraph.json")]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def interrupt_value(client: SyncLangGraphClient, thread_id: str) -> dict[str, Any] | None:
    """What the coach waits on (the lesson or question), read from the thread's state."""
    state: Any = client.threads.get_state(thread_id)
    for task in state.get("tasks", []):
        for found in task.get("interrupts", []):
            value: dict[str, Any] = found["value"]
            return value
    return None


def test_the_coach_graph_runs_and_resumes_through_the_server(server: str) -> None:
    client = get_sync_client(url=server)
    assistants = {a["graph_id"] for a in client.assistants.search()}
    assert {"coach", "weekly"} <= assistants
    thread = client.threads.create()
    tid = thread["thread_id"]
    client.runs.wait(tid, "coach", input={"learner_id": "ada", "session_id": tid, "minutes": 5})
    lesson = interrupt_value(client, tid)
    assert lesson is not None and lesson["type"] == "lesson" and lesson["awaiting"]
    client.runs.wait(tid, "coach", command={"resume": {"command": "continue"}})
    question = interrupt_value(client, tid)
    assert question is not None and question["type"] == "question"
    assert question["objective_id"] == lesson["objective_id"]
    client.runs.wait(tid, "coach", command={"resume": reply_for(CUR, question)})
    values: Any = client.threads.get_state(tid)["values"]
    assert values["turn"] == 2 and values["last"]["verdict"] == "correct", values.get("last")
    assert values["stats"]["answered"] == 1
