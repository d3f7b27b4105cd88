"""The graphs of langgraph.json, run the way the LangGraph server runs them.

The server imports each factory, gets a graph compiled without our checkpointer, gives it its own
(in-memory for ``langgraph dev``) and, unless the client sends one, no run context.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.pregel import Pregel
from langgraph.types import Command

import graphs.coach
import graphs.weekly
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.learner.review import utcnow
from skillcoach.settings import REPO_ROOT
from skillcoach.storage.learners import LearnerUpdate, upsert_learners
from skillcoach.storage.store import Store
from tests.conftest import CURRICULUM
from tests.helpers import reply_for

pytestmark = pytest.mark.integration
CUR = load_curriculum(CURRICULUM)


def server_factory(name: str) -> Callable[[], Pregel[Any, Any, Any, Any]]:
    """The factory langgraph.json names for graph ``name``, imported as the server imports it."""
    target = json.loads((REPO_ROOT / "langgraph.json").read_text())["graphs"][name]
    path, _, attr = target.partition(":")
    module = importlib.import_module(path.removeprefix("./").removesuffix(".py").replace("/", "."))
    factory: Callable[[], Pregel[Any, Any, Any, Any]] = getattr(module, attr)
    return factory


@pytest.fixture
def server_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings from the environment, as under ``langgraph dev``; the cached server contexts rebuilt."""
    monkeypatch.setenv("SKILLCOACH_DATA_DIR", str(tmp_path / "data"))
    graphs.coach._settings_context.cache_clear()
    graphs.weekly.server_context.cache_clear()
    yield tmp_path / "data"
    graphs.coach._settings_context.cache_clear()
    graphs.weekly.server_context.cache_clear()


def as_served(name: str) -> Pregel[Any, Any, Any, Any]:
    """What the server does in get_graph: call the factory, then copy in its own checkpointer."""
    graph = server_factory(name)()
    assert graph.checkpointer is None, "the server brings its own checkpointer"
    return graph.copy(update={"checkpointer": InMemorySaver()})


def test_the_coach_graph_runs_a_session_without_a_context(server_env: Path) -> None:
    graph = as_served("coach")
    config: Any = {"configurable": {"thread_id": "thread-1"}}
    events: list[dict[str, Any]] = []
    graph_input: Any = {"learner_id": "ada", "session_id": "thread-1", "minutes": 6}
    for _ in range(60):
        for mode, chunk in graph.stream(graph_input, config, stream_mode=["custom", "updates"]):
            if mode == "custom":
                events.append(chunk)
            elif "__interrupt__" in chunk:
                events.append(chunk["__interrupt__"][0].value)
        waiting = [i.value for task in graph.get_state(config).tasks for i in task.interrupts]
        if not waiting:
            break
        graph_input = Command(resume=reply_for(CUR, waiting[0]))  # the resume a client sends
    kinds = [e["type"] for e in events]
    assert {"plan", "lesson", "question", "feedback", "summary"} <= set(kinds), kinds
    assert kinds[-1] == "summary" and graph.get_state(config).values["finished"] is True
    assert (server_env / "skillcoach.db").exists(), "the context came from the settings (SKILLCOACH_DATA_DIR)"


def test_an_interrupt_resumes_on_the_same_thread(server_env: Path) -> None:
    graph = as_served("coach")
    config: Any = {"configurable": {"thread_id": "thread-2"}}
    first = graph.invoke({"learner_id": "bo", "session_id": "thread-2", "minutes": 5}, config)
    lesson = first["__interrupt__"][0].value
    assert lesson["type"] == "lesson" and lesson["awaiting"]
    after = graph.invoke(Command(resume={"command": "continue"}), config)
    question = after["__interrupt__"][0].value
    assert question["type"] == "question" and question["objective_id"] == lesson["objective_id"]
    assert graph.get_state(config).values["turn"] == 1


def test_the_weekly_graph_plans_a_week_without_a_context(server_env: Path) -> None:
    server_env.mkdir(parents=True)
    store = Store(f"sqlite:///{server_env / 'skillcoach.db'}")
    upsert_learners(store, [LearnerUpdate("ada", {"weekly_minutes": 60, "goals": ("rag",)})], utcnow())
    result = as_served("weekly").invoke({"learner_id": "ada", "week": "2026-W48"},
                                        {"configurable": {"thread_id": "w-1"}})
    assert result["plan"]["learner_id"] == "ada" and result["plan"]["blocks"]
    assert "2026-W48" in result["narrative"]


def test_a_context_given_by_the_client_is_used(server_env: Path, tmp_path: Path) -> None:
    from agents.context import build_coach_context
    from skillcoach.settings import Settings

    own = build_coach_context(Settings(data_dir=tmp_path / "own"))
    graph = as_served("coach")
    graph.invoke({"learner_id": "cy", "session_id": "t-3", "minutes": 5},
                 {"configurable": {"thread_id": "t-3"}}, context=own)
    # The first lesson was shown from the client's store (the mastery model keeps a state row for a shown
    # objective), nothing was answered yet, and the server env's database was never created.
    knowledge = own.store.knowledge("cy")
    assert knowledge and all(k.responses == 0 and not k.items for k in knowledge.values())
    assert (tmp_path / "own" / "skillcoach.db").exists() and not (server_env / "skillcoach.db").exists()
