"""Every step traced to Langfuse, through the real SDK, never beyond loopback."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from langfuse import Langfuse
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from skillcoach.tracing.langfuse_tracer import FLUSH_SECONDS, LangfuseTracer
from skillcoach.tracing.tracer import NullTracer
from tests.helpers import reply_for
from tests.langfuse_sink import LangfuseSink

pytestmark = pytest.mark.integration
NODES = {"planner", "tutor", "quiz", "learner", "reviewer", "wrap_up"}


def node_of(name: str) -> str:
    """``planner: chose rag/chunking`` -> ``planner``: node observations are named after what they did."""
    return name.split(":", 1)[0]


def traced_settings(tmp_path: Path, url: str, key: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", langfuse_public_key=f"pk-lf-{key}",
                    langfuse_secret_key=f"sk-lf-{key}", langfuse_base_url=url)


def scripted_session(coach: Coach, learner: str, turns: int, secret: str = "") -> Any:
    session = coach.session(learner, minutes=6)
    session.start()
    for n in range(turns):
        if session.finished:
            break
        if n == 1:  # a question to the tutor, with personal data that must not leave the process
            session.ask(f"what is a structured prompt? mail me at ada@example.com {secret}")
            continue
        session.send(reply_for(coach.curriculum, session.pending, wrong=(n == 2)))
    if not session.finished:
        session.command("quit")
    return session


def slowest_turn(coach: Coach, session: Any) -> float:
    """Play the session to its end; the longest a single turn took, in seconds."""
    session.start()
    slowest = 0.0
    while not session.finished:
        t0 = time.perf_counter()
        session.send(reply_for(coach.curriculum, session.pending))
        slowest = max(slowest, time.perf_counter() - t0)
    return slowest


def test_in_memory_export_one_trace_per_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exporter = InMemorySpanExporter()
    settings = traced_settings(tmp_path, "http://127.0.0.1:9", "memory")
    tracer = LangfuseTracer(settings, span_exporter=exporter)
    scores: list[dict[str, Any]] = []
    monkeypatch.setattr(tracer.client, "create_score", lambda **kw: scores.append(kw))
    with Coach(settings, tracer=tracer) as coach:
        session = scripted_session(coach, "ada", turns=5)
        tracer.flush()
        turns = coach.store.turns(session.id)
    spans = exporter.get_finished_spans()
    by_trace: dict[str, list[Any]] = defaultdict(list)
    for span in spans:
        by_trace[format(span.context.trace_id, "032x")].append(span)
    assert set(by_trace) == {t.trace_id for t in turns}, "the DB records each turn's trace id"
    for turn in turns:
        assert turn.trace_id == Langfuse.create_trace_id(seed=f"{session.id}:{turn.number}")
        names = {node_of(s.name) for s in by_trace[turn.trace_id]}
        assert names & NODES, f"turn {turn.number} has node observations"
        assert f"interactive-turn-{turn.number}" in names
        root = next(s for s in by_trace[turn.trace_id] if s.name == f"interactive-turn-{turn.number}")
        assert root.attributes["session.id"] == session.id
        assert root.attributes["user.id"] == "ada"
        assert list(root.attributes["langfuse.trace.tags"]) == ["interactive"]
    tools = {s.name for s in spans if s.attributes.get("langfuse.observation.type") == "tool"}
    assert {"plan_next_objective", "search_curriculum"} <= tools
    assert {"planner", "tutor", "quiz", "reviewer", "wrap_up"} <= {node_of(s.name) for s in spans}
    graded = [t for t in turns if t.record.get("grade")]
    assert {(s["name"], s["trace_id"]) for s in scores if s.get("trace_id")} == {
        (name, t.trace_id) for t in graded for name in ("correctness", "mastery")}
    summary = [s for s in scores if s["name"] == "session_accuracy"]
    assert len(summary) == 1 and summary[0]["session_id"] == session.id
    exported = " ".join(str(dict(s.attributes)) for s in spans)
    assert "ada@example.com" not in exported and "[email]" in exported, "learner text is masked"


def test_real_http_export_to_a_loopback_sink(tmp_path: Path) -> None:
    with LangfuseSink() as sink:
        settings = traced_settings(tmp_path, sink.url, "http")
        secret = "sk-proj-ABCdef0123456789ABCdef0123"
        with Coach(settings) as coach:
            session = scripted_session(coach, "bo", turns=4, secret=secret)
            turns = coach.store.turns(session.id)
        # Coach.close() flushed (bounded) through the SDK's real exporter.
    assert any(p.startswith("/api/public/otel/v1/traces") for p in sink.paths)
    trace_ids = {s["trace_id"] for s in sink.spans}
    assert {t.trace_id for t in turns} <= trace_ids
    names = {node_of(s["name"]) for s in sink.spans}
    assert {"planner", "tutor", "quiz", "reviewer", "wrap_up", "plan_next_objective"} <= names
    assert {s["attributes"].get("user.id") for s in sink.spans} >= {"bo"}
    score_names = {s.get("name") for s in sink.scores}
    assert {"correctness", "mastery", "session_accuracy"} <= score_names
    dumped = str(sink.spans)
    assert secret not in dumped and "ada@example.com" not in dumped


def test_unreachable_langfuse_changes_nothing_for_the_learner(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="skillcoach.tracing.tracer")
    settings = traced_settings(tmp_path, "http://127.0.0.1:1", "down")  # nothing listens on port 1
    started = time.perf_counter()
    with Coach(settings) as coach:
        session = coach.session("cy", minutes=6)
        slowest = slowest_turn(coach, session)
        time.sleep(0.5)  # let the background reachability check report
        trace_id = coach.store.turns(session.id)[-1].trace_id
    total = time.perf_counter() - started
    assert session.finished and trace_id
    # Export is in the background: a turn never waits for the network (5 s timeout if it did).
    assert slowest < 2.0
    assert total < 30 + FLUSH_SECONDS
    warnings = [r for r in caplog.records if r.name == "skillcoach.tracing.tracer"]
    assert len(warnings) == 1 and "not reachable" in warnings[0].getMessage()


def test_slow_langfuse_does_not_slow_turns_and_exit_is_bounded(tmp_path: Path) -> None:
    with LangfuseSink(delay=20.0) as sink:
        settings = traced_settings(tmp_path, sink.url, "slow")
        coach = Coach(settings)
        session = coach.session("di", minutes=4)
        slowest = slowest_turn(coach, session)
        t0 = time.perf_counter()
        coach.close()
        closing = time.perf_counter() - t0
    assert slowest < 2.0
    assert closing < FLUSH_SECONDS + 1.0


def test_without_keys_tracing_is_off(settings: Settings) -> None:
    with Coach(settings) as coach:
        assert isinstance(coach.tracer, NullTracer)
        session = coach.session("ed", minutes=3)
        session.start()
        assert coach.store.turns(session.id)[0].trace_id == Langfuse.create_trace_id(seed=f"{session.id}:0")


def test_a_trace_reads_like_the_conversation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoded from the loopback sink: learner input in, coach reply out, names saying what happened,
    environment, release, service name; node spans carry summaries, not the whole state."""
    monkeypatch.setenv("SKILLCOACH_ENV", "staging")
    with LangfuseSink() as sink:
        settings = Settings(data_dir=tmp_path / "data", langfuse_public_key="pk-lf-read",
                            langfuse_secret_key="sk-lf-read", langfuse_base_url=sink.url)
        with Coach(settings) as coach:
            session = coach.session("ada", minutes=6)
            session.start()
            session.command("continue")
            events = session.send(reply_for(coach.curriculum, session.pending, wrong=True))
            turns = coach.store.turns(session.id)
    graded = turns[-1]
    spans = [s for s in sink.spans if s["trace_id"] == graded.trace_id]
    root = next(s for s in spans if s["name"] == f"interactive-turn-{graded.number}")
    attrs = root["attributes"]
    assert attrs["langfuse.observation.input"].startswith("answer: ")
    output = attrs["langfuse.observation.output"]
    feedback = next(e for e in events if e["type"] == "feedback")
    assert "[feedback]" in output and feedback["text"].strip().split("\n")[0][:40] in output
    assert "Command" not in attrs["langfuse.observation.input"] and "learner_id" not in output
    names = [s["name"] for s in spans]
    reviewer = next(n for n in names if n.startswith("reviewer: "))
    assert reviewer == f"reviewer: graded {feedback['verdict']} {float(feedback['score']):g}"
    assert any(n.startswith("quiz: asked ") for n in names) and not any(n.startswith("route_") for n in names)
    assert "learner: answered" in names
    review_span = next(s for s in spans if s["name"] == reviewer)["attributes"]
    assert '"mastery_before"' in review_span["langfuse.observation.input"]
    assert '"mastery_after"' in review_span["langfuse.observation.output"]
    assert "stats" not in review_span["langfuse.observation.input"], "a summary, not the whole state"
    first = [s for s in sink.spans if s["trace_id"] == turns[0].trace_id]
    assert any(s["name"].startswith("planner: chose ") for s in first)
    for span in spans:
        assert span["attributes"]["langfuse.environment"] == "staging"
        assert span["attributes"]["langfuse.release"] == version("skillcoach")
        assert span["resource"]["service.name"] == "skillcoach"


def test_generations_are_linked_to_the_langfuse_prompt_version(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from langfuse.api import Prompt_Chat
    from langfuse.model import ChatPromptClient

    from skillcoach.llm.prompts import load_local
    from tests.fakes import ScriptedChatModel, text

    exporter = InMemorySpanExporter()
    settings = traced_settings(tmp_path, "http://127.0.0.1:9", "prompts")
    tracer = LangfuseTracer(settings, span_exporter=exporter)

    def served(name: str, **_: Any) -> ChatPromptClient:  # what Langfuse would serve: version 7 of the file
        messages = [dict(m) for m in load_local(settings.prompts_dir, name).messages]
        return ChatPromptClient(Prompt_Chat(name=name, version=7, prompt=messages, config={}, labels=["production"],
                                            tags=[]))
    monkeypatch.setattr(tracer.client, "get_prompt", served)
    tutor = ScriptedChatModel(replies=[text("## A lesson\nModel-written.")])
    with Coach(settings, tracer=tracer, models={"tutor": tutor}) as coach:
        coach.session("ada", minutes=6).start()
        tracer.flush()
    generations = [s for s in exporter.get_finished_spans()
                   if s.attributes and s.attributes.get("langfuse.observation.type") == "generation"]
    assert generations, "the tutor's model call is a generation"
    assert {(g.attributes["langfuse.observation.prompt.name"], g.attributes["langfuse.observation.prompt.version"])
            for g in generations if g.attributes} == {("tutor_lesson", 7)}


def test_sample_rate_zero_exports_no_spans_and_turns_keep_their_trace_ids(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGFUSE_SAMPLE_RATE", "0")
    exporter = InMemorySpanExporter()
    settings = traced_settings(tmp_path, "http://127.0.0.1:9", "sampled")
    assert settings.langfuse_sample_rate == 0.0
    tracer = LangfuseTracer(settings, span_exporter=exporter)
    with Coach(settings, tracer=tracer) as coach:
        session = coach.session("ada", minutes=6)
        session.start()
        session.command("continue")
        tracer.flush()
        turns = coach.store.turns(session.id)
    assert exporter.get_finished_spans() == ()
    assert [t.trace_id for t in turns] == [Langfuse.create_trace_id(seed=f"{session.id}:{t.number}") for t in turns]


def test_node_observations_carry_only_what_the_trace_does_not(tmp_path: Path) -> None:
    """The turn's metadata (turn, mode) is on the trace once, not repeated on every node; the wait for the
    learner is said in a few words, not as the repr of the question it shows."""
    exporter = InMemorySpanExporter()
    settings = traced_settings(tmp_path, "http://127.0.0.1:9", "lean")
    tracer = LangfuseTracer(settings, span_exporter=exporter)
    with Coach(settings, tracer=tracer) as coach:
        session = coach.session("ada", minutes=6)
        session.start()
        session.command("continue")
        session.send(reply_for(coach.curriculum, session.pending))
        tracer.flush()
    spans = exporter.get_finished_spans()
    nodes = [s for s in spans if node_of(s.name) in NODES]
    assert nodes
    for span in nodes:
        assert span.attributes["langfuse.trace.metadata.turn"] is not None, "trace metadata still on every span"
        assert "langfuse.observation.metadata.turn" not in span.attributes
        assert "langfuse.observation.metadata.mode" not in span.attributes
        assert "langfuse.observation.metadata.tags" not in span.attributes, "graph:step:N repeats the step"
        assert span.attributes["langfuse.observation.metadata.step"]
    waits = [s for s in nodes if s.name == "learner: waits"]
    assert waits and {s.attributes["langfuse.observation.status_message"] for s in waits} == {
        "waits for the learner"}
    assert all(s.attributes["langfuse.observation.level"] == "DEFAULT" for s in waits)
    roots = [s for s in spans if s.name.startswith("interactive-turn-")]
    assert all(s.attributes["langfuse.observation.metadata.turn"] is not None for s in roots)


def test_span_times_nest_and_the_generation_sits_under_its_node(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Spans are written after the turn with the times the runs had: each child inside its parent, in order;
    a model call is a generation under the node that made it, with its model, usage and prompt version."""
    from langfuse.api import Prompt_Chat
    from langfuse.model import ChatPromptClient

    from skillcoach.llm.prompts import load_local
    from tests.fakes import ScriptedChatModel, text

    exporter = InMemorySpanExporter()
    settings = traced_settings(tmp_path, "http://127.0.0.1:9", "nesting")
    tracer = LangfuseTracer(settings, span_exporter=exporter)

    def served(name: str, **_: Any) -> ChatPromptClient:
        messages = [dict(m) for m in load_local(settings.prompts_dir, name).messages]
        return ChatPromptClient(Prompt_Chat(name=name, version=3, prompt=messages, config={}, labels=["production"],
                                            tags=[]))
    monkeypatch.setattr(tracer.client, "get_prompt", served)
    tutor = ScriptedChatModel(replies=[text("## A lesson\nModel-written.")])
    with Coach(settings, tracer=tracer, models={"tutor": tutor}) as coach:
        session = coach.session("ada", minutes=6)
        session.start()
        session.command("continue")
        tracer.flush()
    spans = exporter.get_finished_spans()
    by_id = {s.context.span_id: s for s in spans}
    for span in spans:
        assert span.start_time is not None and span.end_time is not None and span.start_time <= span.end_time
        parent = by_id.get(span.parent.span_id) if span.parent else None
        if parent is not None:
            assert parent.start_time <= span.start_time and span.end_time <= parent.end_time, span.name
    generation = next(s for s in spans if s.attributes.get("langfuse.observation.type") == "generation")
    node = by_id[generation.parent.span_id]
    assert node.name.startswith("tutor: lesson"), node.name
    assert generation.attributes["langfuse.observation.prompt.name"] == "tutor_lesson"
    assert generation.attributes["langfuse.observation.prompt.version"] == 3
    assert generation.attributes["langfuse.observation.model.name"]
    assert '"total"' in generation.attributes["langfuse.observation.usage_details"]
    assert "Model-written." in generation.attributes["langfuse.observation.output"]
    assert "interactive-turn-0" in {s.name for s in spans if s.context.span_id == node.parent.span_id}
    nodes = sorted((s for s in spans if s.parent and by_id.get(s.parent.span_id) is not None
                    and by_id[s.parent.span_id].name.startswith("interactive-turn-")), key=lambda s: s.start_time)
    for earlier, later in zip(nodes, nodes[1:], strict=False):  # nodes run one after the other
        if earlier.parent.span_id == later.parent.span_id:
            assert earlier.end_time <= later.start_time


def test_flush_and_close_send_every_turn_written_in_the_background(tmp_path: Path) -> None:
    """A turn's spans are written after it has answered; flush waits for them, and so does Coach.close."""
    exporter = InMemorySpanExporter()
    settings = traced_settings(tmp_path, "http://127.0.0.1:9", "drain")
    tracer = LangfuseTracer(settings, span_exporter=exporter)
    with Coach(settings, tracer=tracer) as coach:
        session = coach.session("ada", minutes=6)
        session.start()
        session.command("continue")
        tracer.flush()
        flushed = {format(s.context.trace_id, "032x") for s in exporter.get_finished_spans()}
        assert flushed == {t.trace_id for t in coach.store.turns(session.id)}
        session.send(reply_for(coach.curriculum, session.pending))
        last = coach.store.turns(session.id)[-1].trace_id
    assert last in {format(s.context.trace_id, "032x") for s in exporter.get_finished_spans()}


def test_a_program_that_never_closes_the_coach_still_exports_its_turns(tmp_path: Path) -> None:
    """Spans written in the background are drained at exit, before the SDK's own exit flush sends them."""
    import subprocess
    import sys

    program = (
        "import sys\nfrom pathlib import Path\nfrom skillcoach.app.api import Coach\n"
        "from skillcoach.settings import Settings\n"
        "coach = Coach(Settings(data_dir=Path(sys.argv[1]), langfuse_public_key='pk-lf-exit',"
        " langfuse_secret_key='sk-lf-exit', langfuse_base_url=sys.argv[2]))\n"
        "session = coach.session('ada', minutes=6)\nsession.start()\nsession.command('continue')\n"
        "print(session.id)\n")  # no coach.close()
    with LangfuseSink() as sink:
        run = subprocess.run([sys.executable, "-c", program, str(tmp_path / "data"), sink.url],
                             capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
        assert run.returncode == 0, run.stderr
        session_id = run.stdout.strip().splitlines()[-1]
        received = {s["trace_id"] for s in sink.spans}
    assert {Langfuse.create_trace_id(seed=f"{session_id}:{n}") for n in (0, 1)} <= received
