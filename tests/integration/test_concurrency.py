"""One Coach, many learners at once: every record, attempt and trace holds only its own learner's data.

Sixteen sessions run at the same time on one Coach, from threads and from asyncio tasks (the
path a web app takes). Each learner asks the tutor a question naming themselves; a scripted
model answers through a tool call carrying that name, so a record that picked up another
session's tool or model calls would carry a foreign name. Then every session is replayed.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from skillcoach.app.api import Coach, CoachSession
from skillcoach.app.replay.engine import replay_session
from skillcoach.settings import Settings
from tests.fakes import ScriptedChatModel, tool_call
from tests.helpers import reply_for
from tests.langfuse_sink import LangfuseSink

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
SESSIONS = 16
LEARNER = re.compile(r"\bL\d\dq\b")  # ids like L07q: no id is part of another


def learners() -> list[str]:
    return [f"L{i:02d}q" for i in range(SESSIONS)]


def tutor_reply(messages: list[BaseMessage]) -> AIMessage:
    """Search the curriculum for the learner named in the question, then answer naming them."""
    named = LEARNER.findall(" ".join(str(m.content) for m in messages))
    who = named[-1] if named else "nobody"
    if isinstance(messages[-1], ToolMessage):
        return AIMessage(content=f"An answer for {who}: a prompt states the task.")
    return tool_call("search_curriculum", {"query": f"prompt structure for {who}"}, call_id=f"call-{who}")


def traced_settings(tmp_path: Path, url: str, key: str) -> Settings:
    # One key per test: the Langfuse SDK keeps one client per public key for the process.
    return Settings(data_dir=tmp_path / "data", langfuse_public_key=f"pk-lf-{key}", langfuse_secret_key=f"sk-lf-{key}",
                    langfuse_base_url=url, session_minutes=5)


def play(coach: Coach, learner: str, start: threading.Barrier | None = None) -> str:
    """A short session: one question to the tutor naming the learner, then answers to the end."""
    session = coach.session(learner, minutes=5)
    if start is not None:
        start.wait()
    session.start()
    session.ask(f"what makes a good prompt, asks {learner}?")
    while not session.finished:
        session.send(reply_for(coach.curriculum, session.pending))
    return session.id


async def aplay(coach: Coach, learner: str) -> str:
    session: CoachSession = await coach.asession(learner, minutes=5)
    await session.astart()
    await session.aask(f"what makes a good prompt, asks {learner}?")
    while not session.finished:
        await session.asend(reply_for(coach.curriculum, session.pending))
    return session.id


def run_threads(coach: Coach) -> dict[str, str]:
    start = threading.Barrier(SESSIONS)
    with ThreadPoolExecutor(SESSIONS) as pool:
        futures = {name: pool.submit(play, coach, name, start) for name in learners()}
        return {name: f.result(timeout=300) for name, f in futures.items()}


def run_tasks(coach: Coach) -> dict[str, str]:
    async def main() -> list[str]:
        return await asyncio.gather(*(aplay(coach, name) for name in learners()))
    return dict(zip(learners(), asyncio.run(main()), strict=True))


def foreign_names(data: Any, own: str) -> set[str]:
    return set(LEARNER.findall(json.dumps(data, default=str, ensure_ascii=False))) - {own}


@pytest.mark.parametrize("runner", [run_threads, run_tasks], ids=["threads", "asyncio"])
def test_sixteen_sessions_on_one_coach_keep_their_own_records(tmp_path: Path, runner: Any) -> None:
    with LangfuseSink() as sink:
        settings = traced_settings(tmp_path, sink.url, f"many-{runner.__name__}")
        tutor = ScriptedChatModel(replies=[tutor_reply])
        with Coach(settings, models={"tutor": tutor}) as coach:
            sessions = runner(coach)
            store = coach.store
            checked = foreign = 0
            trace_owner: dict[str, str] = {}
            for learner, sid in sessions.items():
                turns = store.turns(sid)
                assert turns and [t.number for t in turns] == list(range(len(turns)))
                asked = [t for t in turns if "ask" in (t.learner_input or {})]
                assert len(asked) == 1 and asked[0].record["tools"], "the question's tool call is recorded"
                assert learner in json.dumps(asked[0].record), "the record holds the learner's own question"
                for turn in turns:
                    checked += 1
                    foreign += bool(foreign_names([turn.learner_input, turn.record], learner))
                    trace_owner[turn.trace_id] = learner
                for attempt in store.attempts(session_id=sid):
                    checked += 1
                    foreign += attempt.learner_id != learner
        # Coach.close() flushed the traces to the sink.
    assert len(sessions) == SESSIONS and foreign == 0, f"{foreign} of {checked} records hold another's data"
    spans = [s for s in sink.spans if s["trace_id"] in trace_owner]
    assert {s["trace_id"] for s in spans} == set(trace_owner), "every turn has its trace"
    for span in spans:
        owner = trace_owner[span["trace_id"]]
        assert span["attributes"].get("user.id") in (None, owner)
        assert not foreign_names(span["attributes"], owner), span["name"]
    replays = [replay_session(settings, sid) for sid in sessions.values()]
    assert all(r.identical for r in replays), [r.differences() for r in replays if not r.identical]


def test_turns_of_one_session_never_interleave(settings: Settings) -> None:
    """Two threads sending to one session: each turn is whole, numbered once, in order."""
    with Coach(settings) as coach:
        session = coach.session("ada", minutes=5)
        session.start()

        crashes: list[BaseException] = []

        def send() -> None:
            try:
                for _ in range(6):
                    if session.pending is not None:
                        session.send(reply_for(coach.curriculum, session.pending))
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                crashes.append(exc)

        threads = [threading.Thread(target=send) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        numbers = [t.number for t in coach.store.turns(session.id)]
        attempts = coach.store.attempts(session_id=session.id)
    assert crashes == [], "an answer parsed against a question the other thread had moved past"
    assert numbers == list(range(len(numbers)))
    assert len({a.turn for a in attempts}) == len(attempts)
