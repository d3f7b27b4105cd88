"""A scripted learner that keeps a session going turn after turn, for the speed and memory benches."""

from __future__ import annotations

import time
from pathlib import Path
from random import Random
from typing import Any

from skillcoach.app.api import Coach, CoachSession
from skillcoach.settings import Settings
from tests.helpers import reply_for

WRONG_RATE = 0.3  # a plausible mix: feedback, remediation and mastery all happen
SESSION_MINUTES = 120  # long enough that a 50-turn run rarely needs a second session


def offline_settings(data_dir: str | Path) -> Settings:
    """A scratch SQLite data dir, the offline engine and no tracing, whatever the environment says."""
    return Settings(data_dir=Path(data_dir), database_url=None, checkpoint_url=None, model="offline",
                    langfuse_public_key=None, langfuse_secret_key=None)


class ScriptedLearner:
    """Answers from the answer key, wrongly about one time in three; opens a new session when one ends."""

    def __init__(self, coach: Coach, learner_id: str, seed: int, minutes: int = SESSION_MINUTES):
        self.coach, self.base_id, self.learner_id, self.minutes = coach, learner_id, learner_id, minutes
        self.generation = 0
        self.rng = Random(seed)
        self.session: CoachSession | None = None

    def turn(self) -> float:
        """One learner turn; returns the seconds the coach took to answer it (session starts excluded)."""
        session = self._ready()
        reply = self.reply(session.pending)
        started = time.perf_counter()
        session.send(reply)
        return time.perf_counter() - started

    def reply(self, pending: dict[str, Any] | None) -> dict[str, str]:
        assert pending is not None, "a session that is not finished waits for the learner"
        return reply_for(self.coach.curriculum, pending, wrong=self.rng.random() < WRONG_RATE)

    def _ready(self) -> CoachSession:
        """The open session; once everything is mastered (a long run), a fresh learner carries on."""
        fresh = False
        while self.session is None or self.session.finished:
            self.session = self.coach.session(self.learner_id, self.minutes)
            self.session.start()
            if self.session.finished:  # nothing left to learn or review
                if fresh:
                    raise RuntimeError(f"a fresh learner {self.learner_id} found nothing to learn")
                fresh, self.generation = True, self.generation + 1
                self.learner_id = f"{self.base_id}-{self.generation}"
        return self.session
