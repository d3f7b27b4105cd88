"""langgraph.json points at graph factories that build and compile."""

from __future__ import annotations

import importlib
import json

from skillcoach.settings import REPO_ROOT


def test_every_graph_in_langgraph_json_compiles() -> None:
    config = json.loads((REPO_ROOT / "langgraph.json").read_text())
    assert set(config["graphs"]) == {"coach", "weekly"}
    for target in config["graphs"].values():
        path, _, attr = target.partition(":")
        module = importlib.import_module(path.removeprefix("./").removesuffix(".py").replace("/", "."))
        graph = getattr(module, attr)()
        assert graph.get_graph().nodes, target
