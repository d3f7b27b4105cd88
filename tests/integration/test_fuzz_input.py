"""Bad input never ends a session: every line gets exactly one reply, and a refused line changes nothing.

Hypothesis throws arbitrary JSON and text at the JSONL and terminal loops in-process (the same
functions the CLI runs per line); one subprocess run sends the issue's killer lines for real.
Seeded and bounded for CI; ``SKILLCOACH_FUZZ_EXAMPLES`` raises the count for a soak run.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from rich.console import Console

from skillcoach.app.api import Coach, CoachSession
from skillcoach.app.cli import terminal
from skillcoach.app.cli.chat import reply_to
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.grading.answers import InvalidAnswer, parse_response
from skillcoach.settings import Settings
from tests.conftest import CURRICULUM
from tests.helpers import reply_for

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]  # wall time on a shared box
CUR = load_curriculum(CURRICULUM)
EXAMPLES = int(os.environ.get("SKILLCOACH_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])

any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(any_char, max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
choice_words = st.sampled_from(["1", "2", "a", "b", "t", "f", "²", "１", "ａ", "1 3", "0", "9" * 5000, "", " ",
                                "/hint", "continue", "skip", "progress", "hint", "\udfff", "a\x00", "\x1b[31mb"])
messages = st.builds(lambda key, value: {key: value}, st.sampled_from(["answer", "ask", "command", "other"]),
                     json_values | choice_words)
nested = st.integers(1, 200_000).map(lambda n: "[" * n + "]" * n)
lines = st.one_of(
    messages.map(lambda m: json.dumps(m, ensure_ascii=False)),
    messages.map(json.dumps),  # \\uXXXX escapes, so lone surrogates arrive inside valid JSON
    json_values.map(json.dumps),
    st.text(any_char, max_size=200),
    nested,
    st.integers(0, 4).map(lambda k: '{"answer": "' + "x" * (70_000 * k) + '"}'),
)


def _state(session: CoachSession) -> tuple[Any, ...]:
    """What a refused line must not change: graph checkpoint, turn records, attempts, the pending event."""
    coach = session.coach
    snapshot = coach.graph.get_state(session.config)
    checkpoint = (snapshot.config or {}).get("configurable", {}).get("checkpoint_id")
    return (checkpoint, len(coach.store.turns(session.id)), len(coach.store.attempts(session_id=session.id)),
            json.dumps(session.pending and session.pending.wire(), sort_keys=True), session.turn, session.finished)


def _check_reply(before: tuple[Any, ...], session: CoachSession, reply: list[Any]) -> None:
    assert reply, "every line gets a reply"
    errors = [ev for ev in reply if ev["type"] == "error"]
    if errors:
        assert len(reply) == 1, f"a refused line gets exactly one error event, got {reply}"
        assert _state(session) == before, "a refused line changed the session"
    else:
        assert reply[-1]["awaiting"] or reply[-1]["type"] == "summary" or session.finished, reply
    json.dumps([ev.wire() for ev in reply], ensure_ascii=False)  # the reply can be written out


@pytest.fixture(scope="module")
def fuzz_coach(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with Coach(Settings(data_dir=tmp_path_factory.mktemp("fuzz"))) as coach:
        yield coach


def _open(coach: Coach, learner: str, box: dict[str, CoachSession]) -> CoachSession:
    """The learner's live session, waiting on a question (a fresh one once the last has finished)."""
    session = box.get(learner)
    if session is None or session.finished:
        session = coach.session(learner, 30, new=True)
        session.start()
        while session.pending and session.pending["type"] == "lesson":
            session.command("continue")
        box[learner] = session
    return session


_sessions: dict[str, CoachSession] = {}
KILLERS = [
    '{"answer":"²"}', '{"answer":"１"}', "[" * 100_000 + "]" * 100_000, '{"answer":"\\udfff"}',
    '{"answer": null}', '{"answer": 5}', '{"answer": true}', '{"answer": {"a": 1}}', '{"answer": ["b"]}',
    '{"ask": 7}', '{"command": false}', "5", "null", '"text"', "", "not json", '{"answer": "a\\u0000"}',
    '{"answer": "b", "ask": "why"}', '{"answer": "' + "x" * 100_000 + '"}',
]


def _with_killers(test: Any) -> Any:
    """The issue's killer lines are always among the examples, whatever Hypothesis draws."""
    for line in KILLERS:
        test = example(line=line)(test)
    return test


@seed(20261216)
@FUZZ
@_with_killers
@given(line=lines)
def test_jsonl_loop_answers_every_line_and_refusals_change_nothing(fuzz_coach: Coach, line: str) -> None:
    session = _open(fuzz_coach, "fuzz-jsonl", _sessions)
    before = _state(session)
    _check_reply(before, session, reply_to(session, line))


@seed(20261217)
@FUZZ
@given(line=st.one_of(st.text(any_char, max_size=200), choice_words, choice_words.map(lambda w: "?" + w),
                      choice_words.map(lambda w: "/" + w)))
def test_terminal_loop_answers_every_line(fuzz_coach: Coach, line: str) -> None:
    session = _open(fuzz_coach, "fuzz-terminal", _sessions)
    before = _state(session)
    reply = terminal.dispatch(session, line)
    _check_reply(before, session, reply)
    out = io.StringIO()
    terminal.console = Console(file=out, force_terminal=False, width=100)
    terminal.show(reply)  # showing the reply never raises (markup in the learner's text is escaped)
    assert "\x1b" not in out.getvalue(), "no raw escape sequence reaches the terminal"




def test_killer_lines_in_a_real_process_each_get_one_error_and_the_session_goes_on(tmp_path: Path) -> None:
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "skillcoach", "chat", "--learner", "ada", "--new-learner", "--jsonl",
                             "--minutes", "5"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdin and proc.stdout
    events = _until_awaiting(proc)
    proc.stdin.write(b'{"command": "continue"}\n')
    proc.stdin.flush()
    events = _until_awaiting(proc)
    assert events[-1]["type"] == "question"
    raw_lines = [k.encode("utf-8") for k in KILLERS] + [b'{"answer": "\xff\xfe b"}', b"\xed\xbf\xbf"]
    for raw in raw_lines:
        proc.stdin.write(raw + b"\n")
        proc.stdin.flush()
        reply = json.loads(proc.stdout.readline())
        assert reply["type"] == "error", (raw[:40], reply)
    while events[-1]["type"] != "summary":  # the session is intact: finish it normally
        proc.stdin.write(json.dumps(reply_for(CUR, events[-1])).encode() + b"\n")
        proc.stdin.flush()
        events = _until_awaiting(proc)
    assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""


def _until_awaiting(proc: subprocess.Popen[bytes]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while not events or not (events[-1]["awaiting"] or events[-1]["type"] == "summary"):
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line, f"coach exited early: {proc.stderr.read() if proc.stderr else ''}"  # type: ignore[union-attr]
        events.append(json.loads(line))
    return events


CLOSED_ITEMS = sorted({item.kind: item for item in CUR.items.values() if item.kind.value != "short_answer"}.values(),
                      key=lambda item: item.id)  # one item of each closed kind


@seed(20261218)
@FUZZ
@example(text="²")
@example(text="１")
@example(text="9" * 5000)
@example(text="ａｂ")
@example(text="\udfff")
@given(text=st.text(any_char, max_size=60) | choice_words)
def test_choice_parsing_refuses_anything_but_ascii_keys_without_crashing(text: str) -> None:
    for item in CLOSED_ITEMS:
        try:
            picked = parse_response(item, text)
        except InvalidAnswer:
            continue
        assert picked.isascii(), (item.id, text, picked)
