"""skillcoach as a newcomer installs it: in fresh virtual environments outside the test's own.

One helper makes the environments (uv, from its cache when it can: offline-friendly, and a few
seconds instead of minutes); the versions are those of requirements.lock. Only the runtime
dependencies are installed, so an import of a package we do not declare fails here.

- the README's first command: an editable install, then a session piped to ``chat --jsonl`` and
  one in the terminal under a pseudo-terminal (pexpect);
- a wheel built from the sdist, installed in another folder: the curriculum and prompts come from
  inside the package; ``curriculum list``, ``chat --jsonl`` and ``plan weekly`` work there;
- every documented user error of the installed CLI: one line, non-zero exit, no traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest

from skillcoach.settings import REPO_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LOCK = REPO_ROOT / "requirements.lock"
FEEDBACK = ("Correct.", "Partly right.", "Not quite.")
# A learner's answers, piped: start practising, answer (one of these fits every kind), then quit.
PIPED = [{"command": "continue"}, {"answer": "a"}, {"answer": "t"}, {"command": "quit"}]


@dataclass(frozen=True)
class Installed:
    """A fresh venv with skillcoach in it, and a folder to run it from."""

    venv: Path
    cwd: Path

    def env(self, data_dir: Path, **extra: str) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items()
                if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not k.startswith("SKILLCOACH_")}
        path = f"{self.venv / 'bin'}{os.pathsep}{keep.get('PATH', '')}"
        return {**keep, "PATH": path, "SKILLCOACH_DATA_DIR": str(data_dir), "NO_COLOR": "1", "COLUMNS": "100",
                **extra}

    def run(self, data_dir: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.venv / "bin" / "skillcoach"), *args], cwd=self.cwd, input=stdin,
                              env=self.env(data_dir, **env), capture_output=True, text=True, timeout=300)


def uv(*args: str) -> subprocess.CompletedProcess[str]:
    """uv from this environment; offline first (its cache), then the index for what the cache lacks."""
    command = [sys.executable, "-m", "uv", *args]
    done = subprocess.run([*command, "--offline"], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def fresh_venv(folder: Path, target: str, *, editable: bool = False) -> Path:
    """A new venv in ``folder`` holding ``target`` and its runtime dependencies at the lock's versions."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "uv", "venv", "--quiet", "--python", sys.executable, str(venv)],
                   check=True, capture_output=True, timeout=120)
    uv("pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "--constraint", str(LOCK),
       *(["--editable"] if editable else []), target)
    return venv


@pytest.fixture(scope="module")
def checkout_install(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The README's first command: ``pip install -e .`` in the clone (here through uv), run from the clone."""
    return Installed(fresh_venv(tmp_path_factory.mktemp("editable"), str(REPO_ROOT), editable=True), REPO_ROOT)


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A wheel built from the sdist (so MANIFEST.in is tested too), installed and run far from the repo."""
    dist = tmp_path_factory.mktemp("dist")
    uv("build", "--quiet", "--out-dir", str(dist), str(REPO_ROOT))
    wheel = next(dist.glob("skillcoach-*.whl"))
    folder = tmp_path_factory.mktemp("wheel")
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir()
    return Installed(fresh_venv(folder, str(wheel)), elsewhere)


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stdout + done.stderr and "This is a bug" not in done.stderr, done.stderr


def piped_session(installed: Installed, data_dir: Path) -> list[dict[str, Any]]:
    """``chat --jsonl`` with the learner's answers piped in; the events it wrote."""
    script = "".join(json.dumps(line) + "\n" for line in PIPED)
    done = installed.run(data_dir, "chat", "--learner", "me", "--new-learner", "--minutes", "5", "--jsonl",
                         stdin=script)
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def assert_a_whole_session(events: list[dict[str, Any]]) -> None:
    kinds = [e["type"] for e in events]
    assert {"lesson", "question", "feedback"} <= set(kinds), kinds
    assert kinds[-1] == "summary", kinds


def test_readme_first_command_piped_to_jsonl(checkout_install: Installed, tmp_path: Path) -> None:
    assert_a_whole_session(piped_session(checkout_install, tmp_path / "data"))


def test_readme_first_command_in_a_terminal(checkout_install: Installed, tmp_path: Path) -> None:
    env = checkout_install.env(tmp_path / "data", TERM="dumb")
    child = pexpect.spawn(str(checkout_install.venv / "bin" / "python"), ["-m", "skillcoach", "chat", "--learner",
                          "me", "--new-learner", "--minutes", "5"], cwd=str(REPO_ROOT), env=env, encoding="utf-8",
                          timeout=120, dimensions=(50, 100))
    seen = [wait_for_prompt(child)]
    assert "Explanation" in seen[-1], seen[-1]  # the lesson's first screen
    for _ in range(20):  # Enter pages through the lesson until the first question
        if "Question 1" in seen[-1]:
            break
        child.sendline("")
        seen.append(wait_for_prompt(child))
    for reply in ("a", "t", "1"):  # one of these fits the question's kind
        child.sendline(reply)
        seen.append(wait_for_prompt(child))
        if any(headline in seen[-1] for headline in FEEDBACK):
            break
    assert "Question 1" in "".join(seen) and any(h in seen[-1] for h in FEEDBACK), seen
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()
    assert "Session over" in child.before and "Traceback" not in "".join(seen) + child.before
    assert child.exitstatus == 0


def wait_for_prompt(child: pexpect.spawn) -> str:  # type: ignore[type-arg]  # pexpect.spawn is generic in its stubs only
    child.expect(r"(?m)^> ")  # the prompt at the start of a line, not a "> " inside the lesson's text
    return str(child.before)


def test_the_wheel_ships_its_data_and_works_elsewhere(wheel_install: Installed, tmp_path: Path) -> None:
    data = tmp_path / "data"
    listed = wheel_install.run(data, "curriculum", "list", "--json")
    no_traceback(listed)
    skills = json.loads(listed.stdout)
    assert listed.returncode == 0 and len(skills) >= 13 and all(s["objectives"] > 0 for s in skills)
    prompts = wheel_install.run(data, "prompts", "list")
    assert prompts.returncode == 0 and "tutor_lesson" in prompts.stdout, prompts.stderr
    assert_a_whole_session(piped_session(wheel_install, data))
    planned = wheel_install.run(data, "plan", "weekly", "--all", "--week", "2026-W49")
    no_traceback(planned)
    assert planned.returncode == 0 and "1 planned" in planned.stdout, planned.stdout + planned.stderr
    shown = wheel_install.run(data, "plan", "show", "--learner", "me", "--week", "2026-W49", "--format", "json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["plan"]["blocks"], shown.stderr
    declined = wheel_install.run(data, "ask", "김치찌개 맛있게 끓이는 법 알려주세요")  # the ko catalog ships too
    assert declined.returncode == 0 and "커리큘럼에는 그에 관한 내용이 없" in declined.stdout, declined.stderr


def hold_write_lock(data: Path) -> Callable[[], None]:
    """Another process's open write transaction on the SQLite database; returns the release."""
    connection = sqlite3.connect(data / "skillcoach.db", isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    return connection.close


BAD_CSV = "name,weekly_minutes\nAda,60\n"
ERRORS: dict[str, tuple[list[str], dict[str, str]]] = {
    "unknown learner": (["plan", "show", "--learner", "nobody"], {}),
    "unknown learner's details": (["learner", "show", "nobody"], {}),
    "unknown session": (["replay", "show", "no-such-session"], {}),
    "unknown skill": (["curriculum", "show", "no-such-skill"], {}),
    "bad week": (["plan", "weekly", "--all", "--week", "2026-W99"], {}),
    "bad cron": (["schedule", "--cron", "every monday"], {}),
    "bad CSV": (["learner", "import", "{bad_csv}"], {}),
    "missing CSV": (["learner", "import", "{data}/missing.csv"], {}),
    "bad database URL": (["learner", "list"], {"SKILLCOACH_DATABASE_URL": "nosuch://db"}),
    "unparsable database URL": (["learner", "list"], {"SKILLCOACH_DATABASE_URL": "not a url"}),
    "unreachable database": (["learner", "list"],
                             {"SKILLCOACH_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none"}),
    "bad model": (["chat", "--learner", "me", "--new-learner", "--jsonl"], {"SKILLCOACH_MODEL": "no-provider"}),
    "locked database": (["learner", "add", "zed", "--minutes", "60"],  # the lock outlasts a short wait
                        {"SKILLCOACH_SQLITE_BUSY_TIMEOUT": "1", "SKILLCOACH_DB_LOCK_RETRIES": "1"}),
    "unknown language": (["chat", "--learner", "me", "--new-learner", "--jsonl", "--lang", "fr"], {}),
}


@pytest.fixture(scope="module")
def seeded(wheel_install: Installed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a database and one learner, copied by each error case."""
    data = tmp_path_factory.mktemp("seeded") / "data"
    assert wheel_install.run(data, "learner", "add", "ada", "--minutes", "60").returncode == 0
    return data


@pytest.mark.parametrize("case", list(ERRORS))
def test_every_user_error_is_one_line_without_traceback(wheel_install: Installed, seeded: Path, tmp_path: Path,
                                                         case: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    (tmp_path / "bad.csv").write_text(BAD_CSV)
    args, env = ERRORS[case]
    args = [a.format(bad_csv=tmp_path / "bad.csv", data=data) for a in args]
    release = hold_write_lock(data) if case == "locked database" else (lambda: None)
    try:
        done = wheel_install.run(data, *args, **env)
    finally:
        release()
    no_traceback(done)
    assert done.returncode != 0, f"{case}: exit 0\n{done.stdout}"
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{case}: {done.stderr!r}"


def test_no_module_outside_the_declared_dependencies_is_needed(wheel_install: Installed) -> None:
    """click (typer's old dependency) in particular: the CLI and its error path never import it.

    (uvicorn, for ``serve``, brings click into the venv; the CLI itself must not need it.)"""
    python = str(wheel_install.venv / "bin" / "python")
    probe = ("import sys, skillcoach.app.cli.errors, skillcoach.app.cli, skillcoach.app.cli.app; "
             "print(sorted(m for m in sys.modules if m == 'click' or m.startswith('click.')) or None)")
    done = subprocess.run([python, "-c", probe], cwd=wheel_install.cwd, capture_output=True, text=True, timeout=120,
                          env=wheel_install.env(wheel_install.venv / "unused-data"))
    assert done.returncode == 0 and done.stdout.strip() == "None", done.stdout + done.stderr
