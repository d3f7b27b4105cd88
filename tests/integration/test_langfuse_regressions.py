"""Regressions as Langfuse datasets and experiments: ``replay export`` and ``replay experiment`` to a loopback sink."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from skillcoach.app.api import Coach
from skillcoach.app.replay.experiment import SCORES
from skillcoach.settings import REPO_ROOT, Settings
from tests.helpers import reply_for
from tests.integration.test_replay import record_session
from tests.langfuse_sink import LangfuseSink
from tests.openai_stub import OpenAIStub
from tests.plan_helpers import Result, cli

pytestmark = pytest.mark.integration
SECRET_MAIL = "ada.lovelace@example.com"


def record(settings: Settings, learner: str = "ada", turns: int = 6) -> str:
    """A short offline session: answers right and wrong, and a question carrying an e-mail address."""
    with Coach(settings) as coach:
        session = coach.session(learner, 10, new=True)
        session.start()
        for n in range(turns):
            if session.finished:
                break
            if n == 1:
                session.ask(f"what is a structured prompt? write to {SECRET_MAIL}")
                continue
            session.send(reply_for(coach.curriculum, session.pending, wrong=(n == 3)))
        return session.id


def untraced(data_dir: Path) -> Settings:
    """Recording happens without Langfuse (the environment has keys for the commands under test)."""
    return Settings(data_dir=data_dir, langfuse_public_key=None, langfuse_secret_key=None)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The SDK keeps one client per public key in a process: a key per test, so each gets its own sink.
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", f"pk-lf-{tmp_path.name}")
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf-test")
    return tmp_path / "data"


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path, url: str,
        *args: str) -> Result:
    monkeypatch.setenv("LANGFUSE_BASE_URL", url)
    return cli(capsys, monkeypatch, data_dir, "replay", *args)


@pytest.mark.slow  # records a session (about 3 s on a busy machine)
def test_export_sends_masked_turns_once_per_turn(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    settings = untraced(data_dir)
    sid = record(settings)
    with Coach(settings) as coach:
        turns = coach.store.turns(sid)
    with LangfuseSink() as sink:
        first = run(capsys, monkeypatch, data_dir, sink.url, "export", "--since", "2000-01-01",
                    "--dataset", "regress")
        assert first.code == 0, first.err
        assert first.out.strip() == f"dataset regress: {len(turns) - 1} item(s) from 1 session(s)"
        again = run(capsys, monkeypatch, data_dir, sink.url, "export", "--since", "2000-01-01",
                    "--dataset", "regress")
        assert again.code == 0, again.err
        assert len(sink.items) == len(turns) - 1 and sink.item_posts == 2 * len(sink.items)  # upserted, not doubled
        assert list(sink.datasets) == ["regress"]
        later = run(capsys, monkeypatch, data_dir, sink.url, "export", "--since", "2999-01-01",
                    "--dataset", "regress")
        assert later.out.strip() == "dataset regress: 0 item(s) from 0 session(s)"

    items = {(i["metadata"]["session_id"], i["metadata"]["turn"]): i for i in sink.items.values()}
    assert SECRET_MAIL not in str(items)
    asked = items[(sid, 2)]
    assert asked["input"]["learner_input"] == {"ask": "what is a structured prompt? write to [email]"}
    for turn in turns[1:]:
        item = items[(sid, turn.number)]
        expected, grade = item["expectedOutput"], turn.record.get("grade")
        assert expected["route"] == turn.record["route"]
        assert item["metadata"]["source_trace_id"] == turn.trace_id
        assert item["input"]["learner_input"] == turn.learner_input or turn.number == 2
        if grade:
            assert expected["grade"]["verdict"] == grade["verdict"] and expected["grade"]["mastery"] == grade["mastery"]
            assert item["input"]["state"]["mastery_before"] == grade["mastery_before"]
            assert expected["feedback"].startswith(grade["text"][:40])
        else:
            assert expected["grade"] is None
    answered = [i for i in items.values() if i["expectedOutput"]["grade"]]
    assert answered and all(i["input"]["state"]["awaiting"]["type"] == "question" for i in answered)


def test_export_needs_a_dataset_and_a_date(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with LangfuseSink() as sink:
        no_name = run(capsys, monkeypatch, data_dir, sink.url, "export", "--since", "2000-01-01")
        bad_date = run(capsys, monkeypatch, data_dir, sink.url, "export", "--since", "soon", "--dataset", "d")
    assert no_name.code != 0 and "--dataset" in no_name.err
    assert bad_date.code != 0 and "--since 'soon'" in bad_date.err


def experiment_spans(sink: LangfuseSink) -> dict[str, list[dict[str, Any]]]:
    """The spans of each experiment trace, by trace id."""
    traces: dict[str, list[dict[str, Any]]] = {}
    for span in sink.spans:
        traces.setdefault(span["trace_id"], []).append(span)
    return {tid: spans for tid, spans in traces.items()
            if any("langfuse.experiment.item.id" in s["attributes"] for s in spans)}


@pytest.mark.slow  # every item rebuilds its session in a scratch database: seconds per item
def test_offline_experiment_agrees_with_the_recording_and_reaches_the_sink(
        data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    sid = record(untraced(data_dir))
    with LangfuseSink() as sink:
        assert run(capsys, monkeypatch, data_dir, sink.url, "export", "--since", "2000-01-01",
                   "--dataset", "regress").code == 0
        result = run(capsys, monkeypatch, data_dir, sink.url, "experiment", "--dataset", "regress",
                     "--run-name", "offline-baseline")
        assert result.code == 0, result.err
        deadline = time.monotonic() + 10
        while len(experiment_spans(sink)) < len(sink.items) and time.monotonic() < deadline:
            time.sleep(0.1)
    lines = result.out.splitlines()
    assert "offline-baseline" in result.out and f"{len(sink.items)} item(s)" in result.out
    means = {line.split()[0]: line.split()[1:] for line in lines if line.split() and line.split()[0] in SCORES}
    assert means["route_agreement"][0] == "1.000" and means["grade_agreement"][0] == "1.000"
    assert means["mastery_delta"][0] == "0.000"

    traces = experiment_spans(sink)
    assert len(traces) == len(sink.items)
    item_ids = set()
    for spans in traces.values():
        attrs = {k: v for s in spans for k, v in s["attributes"].items()}
        item_ids.add(attrs["langfuse.experiment.item.id"])
        assert attrs["langfuse.experiment.name"] == "offline-baseline"
        names = [s["name"] for s in spans]
        coach = [n for n in names if not n.startswith("experiment-item") and n != "evaluator"]
        assert "experiment-item-run" in names and len(coach) >= 2, names  # the coach's turn nests in the item
    assert item_ids == set(sink.items)
    scored = {(s.get("traceId"), s["name"]) for s in sink.scores}
    for name in ("route_agreement", "tokens", "latency_ms"):
        assert {tid for tid, n in scored if n == name} == set(traces)
    graded = [i for i in sink.items.values() if i["expectedOutput"]["grade"]]
    assert len({tid for tid, n in scored if n == "grade_agreement"}) == len(graded)
    assert {s["name"] for s in sink.scores if s.get("datasetRunId")} >= {"route_agreement_mean"}
    assert {i['metadata']['session_id'] for i in sink.items.values()} == {sid}


def test_experiment_on_a_missing_dataset_is_one_line(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    with LangfuseSink() as sink:
        result = run(capsys, monkeypatch, data_dir, sink.url, "experiment", "--dataset", "nowhere")
    assert result.code != 0 and "no dataset 'nowhere'" in result.err and len(result.err.splitlines()) == 1


def means_of(out: str) -> dict[str, float]:
    return {line.split()[0]: float(line.split()[1]) for line in out.splitlines()
            if line.split() and line.split()[0] in SCORES}


@pytest.mark.slow
def test_a_changed_prompt_shows_as_grade_disagreement_through_a_real_provider_client(
        data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with OpenAIStub() as stub:
        model = {"SKILLCOACH_MODEL": "openai:stub-model", "SKILLCOACH_MODEL_BASE_URL": stub.base_url,
                 "SKILLCOACH_MODEL_API_KEY": "not-a-key", "SKILLCOACH_MODEL_RETRIES": "0"}
        for name, value in model.items():
            monkeypatch.setenv(name, value)
        record_session(Settings(data_dir=data_dir, langfuse_public_key=None, langfuse_secret_key=None),
                       right_short_answers=True)
        strict = tmp_path / "strict-prompts"
        shutil.copytree(REPO_ROOT / "prompts", strict)
        judge_prompt = strict / "reviewer_judge.md"
        judge_prompt.write_text(judge_prompt.read_text().replace("Grade the ideas", "Be STRICT. Grade the ideas"))
        with LangfuseSink() as sink:
            assert run(capsys, monkeypatch, data_dir, sink.url, "export", "--since", "2000-01-01",
                       "--dataset", "judged").code == 0
            judged = [key for key, item in sink.items.items()
                      if (item["expectedOutput"]["grade"] or {}).get("grader") == "llm-judge"]
            assert judged, "the stub model judged some short answers"
            for key in set(sink.items) - set(judged[:2]):  # a curated dataset: the judged turns only
                del sink.items[key]
            same = run(capsys, monkeypatch, data_dir, sink.url, "experiment", "--dataset", "judged",
                       "--run-name", "same-prompts")
            changed = run(capsys, monkeypatch, data_dir, sink.url, "experiment", "--dataset", "judged",
                          "--run-name", "strict-judge", "--prompts", str(strict))
    assert same.code == 0 and changed.code == 0, same.err + changed.err
    assert means_of(same.out)["grade_agreement"] == 1.0 and means_of(same.out)["mastery_delta"] == 0.0
    assert means_of(changed.out)["grade_agreement"] == 0.0 and means_of(changed.out)["mastery_delta"] < 0
    assert means_of(changed.out)["tokens"] > 0
    strict_traces = [spans for spans in experiment_spans(sink).values()
                     if any(s["attributes"].get("langfuse.experiment.name") == "strict-judge" for s in spans)]
    assert len(strict_traces) == len(judged[:2])
    for spans in strict_traces:  # the judge's model call is in the experiment item's trace
        assert any(s["attributes"].get("langfuse.observation.type") == "generation" for s in spans)


@pytest.mark.parametrize("command", [("export", "--since", "2000-01-01", "--dataset", "d"),
                                     ("experiment", "--dataset", "d")])
@pytest.mark.parametrize(("reply", "expected"), [
    ((401, b'{"message": "Invalid credentials"}', "application/json"), "rejected the keys (HTTP 401)"),
    ((404, b"<html>404</html>", "text/html"), "answered 404 to the project lookup: check LANGFUSE_BASE_URL"),
])
def test_wrong_keys_or_host_are_one_line(data_dir: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...],
                                         reply: tuple[int, bytes, str], expected: str) -> None:
    with LangfuseSink() as sink:
        sink.fail_with = reply
        result = run(capsys, monkeypatch, data_dir, sink.url, *command)
    assert result.code != 0 and expected in result.err and len(result.err.splitlines()) == 1, result.err
    assert "not reachable" not in result.err


@pytest.mark.parametrize(("option", "expected"), [(("--model", "nonsense"), "use 'offline' or 'provider:model'"),
                                                  (("--prompts", "/nowhere"), "prompt directory /nowhere not found")])
def test_a_bad_model_or_prompt_directory_is_one_line_before_any_item_runs(
        data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        option: tuple[str, str], expected: str) -> None:
    with LangfuseSink() as sink:
        result = run(capsys, monkeypatch, data_dir, sink.url, "experiment", "--dataset", "d", *option)
    assert result.code != 0 and expected in result.err and len(result.err.splitlines()) == 1, result.err
    assert not any(p.startswith("/api/public/v2/datasets") for p in sink.paths)
