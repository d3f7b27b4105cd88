"""A session full of personal data and secrets, exported through the loopback Langfuse sink: none of it
leaves the process, in any span, attribute or score; URL passwords never reach a message or a log."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skillcoach.app.api import Coach
from skillcoach.settings import Settings
from tests.helpers import reply_for
from tests.langfuse_sink import LangfuseSink

pytestmark = pytest.mark.integration
LEARNER = "ada.lovelace@example.com"
SECRETS = [
    "555.123.4567", "555-987-6543", "(555) 222 3333", "+44 20 7946 0958", "+1.555.444.5555",
    "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp", "xoxp-2222222222-3333333333-abcdefabcdef",
    "ghp_0123456789abcdefghijABCDEFGHIJ012345", "github_pat_11AAAAAAA0bbbbbbbbbbbb_cccccccccccccccccccccc",
    "sk-live-0123456789abcdefABCDEF", "AKIAIOSFODNN7EXAMPLE", "grace@example.org",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "postgresql://coach:hunter2pass@db.internal/skills",
]
PASSWORD = "hunter2pass"


def test_a_session_full_of_pii_exports_none_of_it(tmp_path: Path) -> None:
    with LangfuseSink() as sink:
        settings = Settings(data_dir=tmp_path, langfuse_public_key="pk-lf-pii", langfuse_secret_key="sk-lf-pii",
                            langfuse_base_url=sink.url)
        with Coach(settings) as coach:
            session = coach.session(LEARNER, minutes=6)
            session.start()
            for n, secret in enumerate(SECRETS):
                if session.finished:
                    break
                if n % 2 == 0:
                    session.ask(f"my number is {secret}, what is a structured prompt?")
                elif session.pending and session.pending["type"] == "question":
                    kind = session.pending["kind"]
                    text = f"{secret} is my token" if kind == "short_answer" else reply_for(
                        coach.curriculum, session.pending)["answer"]
                    session.answer(text)
                else:
                    session.command("continue")
            while not session.finished:
                session.send(reply_for(coach.curriculum, session.pending))
            stored = [t.learner_input for t in coach.store.turns(session.id)]
    assert sink.spans, "the session was exported"
    exported = [str(span) for span in sink.spans] + [str(score) for score in sink.scores]
    leaks = sorted({secret for secret in [*SECRETS, LEARNER, PASSWORD] for text in exported if secret in text})
    assert leaks == [], f"exported unmasked: {leaks}"
    user_ids = {span["attributes"].get("user.id") for span in sink.spans} - {None}
    assert user_ids and all(uid.startswith("learner-") for uid in user_ids), "an e-mail learner id is hashed"
    assert not any(secret in str(stored) for secret in SECRETS), "turn records are masked too"


def test_url_passwords_never_reach_a_message(tmp_path: Path) -> None:
    env = {**os.environ, "SKILLCOACH_DATA_DIR": str(tmp_path), "SKILLCOACH_CHECKPOINT_URL": "mysql://u:PW1234@h/x"}
    run = subprocess.run([sys.executable, "-m", "skillcoach", "chat", "--learner", "ada", "--new-learner", "--jsonl"],
                         env=env,
                         input="", capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "PW1234" not in run.stderr + run.stdout and "u:***@h" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_langfuse_url_credentials_are_not_in_the_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="skillcoach.tracing.tracer")
    from skillcoach.tracing.langfuse_tracer import LangfuseTracer

    settings = Settings(data_dir=tmp_path, langfuse_public_key="pk-lf-x", langfuse_secret_key="sk-lf-x",
                        langfuse_base_url="http://admin:S3cretPass@127.0.0.1:1")
    tracer = LangfuseTracer(settings)
    tracer._check_reachable()
    tracer.shutdown()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "not reachable" in logged and "S3cretPass" not in logged and "admin:***@" in logged
