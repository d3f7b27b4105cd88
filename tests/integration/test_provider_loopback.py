"""One session through the real OpenAI provider client against a loopback server."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.chat_models import ModelConfigError, make_chat_model
from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from tests.helpers import reply_for
from tests.openai_stub import OpenAIStub

pytestmark = pytest.mark.integration


def test_session_through_an_openai_compatible_endpoint(tmp_path: Path) -> None:
    with OpenAIStub() as stub:
        settings = Settings(data_dir=tmp_path, model="openai:stub-model", model_base_url=stub.base_url,
                            model_api_key="not-a-real-key", model_retries=0)
        with Coach(settings) as coach:
            session = coach.session("ada", minutes=8)
            events = session.start()
            while not session.finished:
                events += session.send(reply_for(coach.curriculum, session.pending))
            turns = coach.store.turns(session.id)
    lesson = next(e for e in events if e["type"] == "lesson")
    assert lesson["text"].startswith("## A lesson from the stub model")
    assert stub.requests and stub.requests[0]["model"] == "stub-model"
    assert stub.requests[0]["messages"][0]["role"] == "system"
    assert sum(t.tokens for t in turns) >= 150 and sum(t.llm_calls for t in turns) == len(stub.requests)


def test_bad_model_specs_are_clear_errors(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert make_chat_model("offline", settings) is None
    with pytest.raises(ModelConfigError, match="provider:model"):
        make_chat_model("gpt-4", settings)
    with pytest.raises(ModelConfigError):
        make_chat_model("nosuchprovider:x", settings)
