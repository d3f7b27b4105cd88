"""The web face: a turn through HTTP against the Python API, and throughput for 50 concurrent learners.

``python -m bench.web [--quick]`` prints the figures; ``python -m bench --only web`` is not wired (the
runner's section list belongs to the whole bench). Servers are started with ``skillcoach serve`` on
a free loopback port; the load generator is a bounded asyncio + httpx script (a fixed number of
turns per learner, one request in flight per learner).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from random import Random
from typing import Any

import httpx

from bench import Row, figure, percentile, scratch_dir
from bench.scripted import ScriptedLearner, offline_settings
from skillcoach.app.api import Coach
from skillcoach.curriculum.catalog import load_curriculum
from tests.helpers import reply_for

PASSWORD = "bench password 123"
# uvicorn closes a connection idle for 5 s and httpx keeps one for 5 s: a learner idle that long (waiting
# for the others to sign in) would send on a closing connection (ReadError); drop idle ones sooner.
LIMITS = httpx.Limits(keepalive_expiry=2.0)
PG_ADMIN = os.environ.get("SKILLCOACH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(data_dir: Path, *, local: bool, workers: int = 1, database_url: str | None = None) -> Iterator[str]:
    """``skillcoach serve`` in a child process until the block ends."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGFUSE_", "SKILLCOACH_"))}
    command = [sys.executable, "-c", "from skillcoach.app.cli import main; main()", "--data-dir", str(data_dir),
               "--model", "offline"]
    if database_url:
        command += ["--database-url", database_url]
    command += ["serve", "--port", str(port), "--workers", str(workers)] + (["--local"] if local else [])
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"skillcoach serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/signin", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("skillcoach serve did not answer in time")


class WebLearner:
    """One learner's browser: a cookie jar, the CSRF token, the session on screen."""

    def __init__(self, client: httpx.AsyncClient, curriculum: Any, seed: int,
                 make_account: Callable[[str], None] | None = None):
        self.client, self.curriculum, self.rng = client, curriculum, Random(seed)
        self.make_account = make_account
        self.csrf = ""
        self.state: dict[str, Any] = {}
        self.name: str | None = None
        self.generation = 0

    async def begin(self, name: str | None) -> None:
        self.name = name
        page = await self.client.get("/signup")
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        if name and self.make_account is not None:
            # The server limits sign-ups per address (each costs an Argon2 hash); the bench makes its
            # accounts beside the server, as `skillcoach web-user add` does, and signs in.
            await asyncio.to_thread(self.make_account, name)
            await self.client.post("/signin", data={"learner": name, "password": PASSWORD, "csrf_token": self.csrf})
            page = await self.client.get("/session")
            self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        elif name:
            await self.client.post("/signup", data={"learner": name, "password": PASSWORD, "csrf_token": self.csrf})
            page = await self.client.get("/session")
            self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        await self.open()

    async def open(self, new: bool = False) -> None:
        reply = await self.client.post("/api/sessions", json={"new": new}, headers={"X-CSRF-Token": self.csrf})
        reply.raise_for_status()
        self.state = reply.json()

    async def turn(self) -> tuple[float, float | None]:
        """One turn over SSE: seconds to the whole turn, and to the feedback event when an answer was graded."""
        if self.state["finished"]:
            await self.open(new=True)
        if self.state["finished"] and self.name:  # nothing left for today (mastery waits a day): a fresh learner
            self.generation += 1
            await self.begin(f"{self.name.rsplit('-', 1)[0]}-{self.generation}")
        message = reply_for(self.curriculum, self.state["pending"], wrong=self.rng.random() < 0.3)
        kind, text = next(iter(message.items()))
        body = {"kind": kind, "text": text, "turn": self.state["turn"]}
        started, to_feedback, name = time.perf_counter(), None, ""
        headers = {"X-CSRF-Token": self.csrf, "Accept": "text/event-stream"}
        async with self.client.stream("POST", f"/api/sessions/{self.state['session_id']}/messages", json=body,
                                      headers=headers) as reply:
            reply.raise_for_status()
            async for line in reply.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                    if name == "event" and data.get("type") == "feedback" and to_feedback is None:
                        to_feedback = time.perf_counter() - started
                    elif name == "done":
                        self.state = {**self.state, **data}
        return time.perf_counter() - started, to_feedback


def account_maker(database_url: str) -> Callable[[str], None]:
    """Makes web accounts in the server's database (with the bench password)."""
    from skillcoach.app.web.accounts import Accounts
    from skillcoach.storage.store import Store

    accounts = Accounts(Store(database_url))
    return lambda name: None if accounts.get(name) else accounts.create(name, PASSWORD) and None


async def _one_learner_turns(base: str, curriculum: Any, turns: int,
                             make_account: Callable[[str], None]) -> tuple[list[float], list[float]]:
    """Graded turns of one learner: seconds to the feedback event, and to the end of the turn."""
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=LIMITS) as client:
        learner = WebLearner(client, curriculum, seed=1, make_account=make_account)
        await learner.begin(f"one{uuid.uuid4().hex[:6]}")
        feedback: list[float] = []
        whole: list[float] = []
        while len(feedback) < turns:
            seconds, to_feedback = await learner.turn()
            if to_feedback is not None:
                feedback.append(to_feedback)
                whole.append(seconds)
        return feedback, whole


def api_turns(turns: int) -> list[float]:
    """Python API turns that graded an answer (the same scripted learner), in this process."""
    with scratch_dir("web-api") as tmp, Coach(offline_settings(tmp)) as coach:
        learner, graded = ScriptedLearner(coach, "ada", seed=1), []
        while len(graded) < turns:
            session = learner._ready()
            answering = (session.pending or {}).get("type") == "question"
            seconds = learner.turn()
            if answering:
                graded.append(seconds)
        return graded


async def _load(base: str, curriculum: Any, learners: int, turns: int,
                make_account: Callable[[str], None]) -> tuple[float, list[float]]:
    """``learners`` signed-in learners at once, ``turns`` turns each; requests per second and latencies."""
    clients = [httpx.AsyncClient(base_url=base, timeout=300, limits=LIMITS) for _ in range(learners)]  # own cookies
    try:
        crowd = [WebLearner(c, curriculum, seed=n, make_account=make_account) for n, c in enumerate(clients)]
        tag = uuid.uuid4().hex[:6]
        gate = asyncio.Semaphore(4)  # sign-ups are not what is measured: a few at a time

        async def enter(n: int, w: WebLearner) -> None:
            async with gate:
                await w.begin(f"l{tag}{n}")

        await asyncio.gather(*(enter(n, w) for n, w in enumerate(crowd)))
        latencies: list[float] = []

        async def drive(w: WebLearner) -> None:
            for _ in range(turns):
                seconds, _ = await w.turn()
                latencies.append(seconds)

        started = time.perf_counter()
        await asyncio.gather(*(drive(w) for w in crowd))
        return len(latencies) / (time.perf_counter() - started), latencies
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A scratch PostgreSQL database, or None when the server is not there."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except Exception:  # noqa: BLE001 - no server: the section says so instead of failing
        yield None
        return
    name = f"web_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run(quick: bool) -> list[Row]:
    return list(rows_of(quick))


def rows_of(quick: bool) -> Iterator[Row]:
    """The figures, each as soon as it is measured."""
    turns, learners, per_learner = (20, 10, 3) if quick else (100, 50, 10)
    curriculum = load_curriculum(offline_settings("/tmp").curriculum_dir, offline_settings("/tmp").locale)
    api = api_turns(turns)
    with scratch_dir("web-one") as tmp, server(Path(tmp), local=False) as base:
        make = account_maker(offline_settings(tmp).resolved_database_url)
        web, whole = asyncio.run(_one_learner_turns(base, curriculum, turns, make))
    for share, label in ((0.5, "p50"), (0.95, "p95")):
        yield figure(f"web turn {label}: POST answer to feedback event (SSE)", percentile(web, share) * 1000,
                     "ms", detail=f"{len(web)} graded turns, one learner, SQLite")
        yield figure(f"web turn {label}: POST answer to end of turn", percentile(whole, share) * 1000, "ms")
        yield figure(f"Python API turn {label}: send() of an answer", percentile(api, share) * 1000, "ms",
                     detail=f"{len(api)} graded turns")
    yield figure("web whole turn / API turn, p50", percentile(whole, 0.5) / percentile(api, 0.5), "x")
    with scratch_dir("web-load") as tmp, server(Path(tmp), local=False) as base:
        make = account_maker(offline_settings(tmp).resolved_database_url)
        rate, lat = asyncio.run(_load(base, curriculum, learners, per_learner, make))
    yield from _load_rows(f"{learners} learners, 1 worker, SQLite", rate, lat)
    with postgres_database() as url:
        if url is None:
            yield figure("2 workers, PostgreSQL", 0, "req/s", detail="PostgreSQL not reachable: not measured")
            return
        with scratch_dir("web-pg") as tmp, server(Path(tmp), local=False, workers=2, database_url=url) as base:
            rate, lat = asyncio.run(_load(base, curriculum, learners, per_learner, account_maker(url)))
        yield from _load_rows(f"{learners} learners, 2 workers, PostgreSQL", rate, lat)


def _load_rows(label: str, rate: float, latencies: list[float]) -> list[Row]:
    return [figure(f"turns/s, {label}", rate, "req/s", detail=f"{len(latencies)} turns"),
            figure(f"turn p50 under load, {label}", percentile(latencies, 0.5) * 1000, "ms"),
            figure(f"turn p95 under load, {label}", percentile(latencies, 0.95) * 1000, "ms")]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer turns and 10 learners")
    args = parser.parse_args()
    for row in rows_of(args.quick):
        print(f"{row['name']:<62} {row['value']:>9.1f} {row['unit']:<6} {row['detail']}", flush=True)


if __name__ == "__main__":
    main()
