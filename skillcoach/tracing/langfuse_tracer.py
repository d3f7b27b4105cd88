"""Langfuse tracing: one trace per turn, written in one pass when the turn ends.

A light callback attached at invoke time notes the turn's runs; their spans go to the OpenTelemetry
tracer of the Langfuse client (skillcoach.tracing.span_writer).

One trace per learner turn: its id is derived from (session id, turn), so a step re-run after a crash
lands in the same trace.
Export happens in the SDK's background threads; a down or slow Langfuse costs a
turn nothing, is reported once, and the flush at exit is bounded.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from langfuse import Langfuse
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import Decision, TraceIdRatioBased

from skillcoach.settings import Settings
from skillcoach.tracing.background import Background
from skillcoach.tracing.masking import langfuse_mask, redact_url, trace_user_id
from skillcoach.tracing.span_writer import SpanWriter
from skillcoach.tracing.tracer import turn_trace_id
from skillcoach.tracing.turn_spans import TurnSpans

log = logging.getLogger("skillcoach.tracing.tracer")
# Set once a Langfuse client exists in this process: its SDK registers exit hooks that flush again
# without a bound, so the CLI ends the process itself after our bounded flush (see skillcoach.app.cli).
CLIENT_STARTED = threading.Event()
FLUSH_SECONDS = 3.0
DRAIN_SECONDS = 30.0  # an explicit flush waits this long at most for the turns' traces still being written
EXPORT_TIMEOUT_SECONDS = 5
EXPORT_BATCH, EXPORT_INTERVAL_SECONDS = 512, 5.0  # OpenTelemetry's span batching defaults, for scores too
SERVICE_NAME = "skillcoach"
NOISY_LOGGERS = ("langfuse", "opentelemetry.exporter.otlp.proto.http", "opentelemetry.sdk._shared_internal")


class LangfuseTracer:
    """Traces every turn to Langfuse, with scores for correctness, mastery and session accuracy.

    Args:
        settings: the Langfuse keys and host, and whether to mask personal data.
        span_exporter: an OpenTelemetry exporter to use instead of Langfuse's (tests pass an in-memory one).
    """

    def __init__(self, settings: Settings, *, span_exporter: Any = None):
        assert settings.langfuse_public_key and settings.langfuse_secret_key
        self.public_key = settings.langfuse_public_key.get_secret_value()
        self.base_url = settings.langfuse_base_url or "https://cloud.langfuse.com"
        self.mask_pii = settings.mask_pii
        for name in NOISY_LOGGERS:  # the SDK logs every failed export; we warn once ourselves
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.provider = tracer_provider(settings)
        self.client = Langfuse(public_key=self.public_key,
                               secret_key=settings.langfuse_secret_key.get_secret_value(),
                               base_url=self.base_url, timeout=EXPORT_TIMEOUT_SECONDS,
                               environment=settings.env, release=release(), tracer_provider=self.provider,
                               **batching(),
                               mask=langfuse_mask if settings.mask_pii else None, span_exporter=span_exporter)
        self.background = Background()  # spans and scores are written after the turn has answered
        self.writer = SpanWriter(self.client, mask_pii=settings.mask_pii, environment=settings.env,
                                 release=release(), background=self.background)
        CLIENT_STARTED.set()
        # A program that never calls Coach.close(): the SDK's exit hook flushes the spans it holds; this one,
        # registered after it and so run before it, first writes the turns still queued (bounded).
        atexit.register(self.background.drain, FLUSH_SECONDS)
        self.reachable: bool | None = None  # unknown until the background check answers
        if span_exporter is None:
            threading.Thread(target=self._check_reachable, daemon=True, name="langfuse-check").start()

    def _check_reachable(self) -> None:
        try:
            ok = self.client.auth_check()
        except Exception as exc:  # noqa: BLE001 - any failure means the same: traces won't arrive
            self.reachable = False
            log.warning("Langfuse at %s is not reachable (%s); coaching goes on, traces may be lost.",
                        redact_url(self.base_url), type(exc).__name__)
            return
        self.reachable = bool(ok)
        if not ok:
            log.warning("Langfuse at %s rejected the keys; coaching goes on without traces.",
                        redact_url(self.base_url))

    def trace_id(self, session_id: str, turn: int) -> str:
        """Return the turn's trace id, derived from the session id and turn number as Langfuse derives it."""
        return turn_trace_id(session_id, turn)

    def config(self, base: dict[str, Any], *, session_id: str, learner_id: str, turn: int, mode: str,
               learner_input: Any = None, events: list[Any] | None = None) -> dict[str, Any]:
        """Return the run config of one turn, with a callback that traces it when its trace is sampled.

        ``events`` is the list the turn's events are streamed into: the trace's output.
        """
        trace_id = self.trace_id(session_id, turn)
        user_id = trace_user_id(learner_id) if self.mask_pii else learner_id
        metadata = {"langfuse_session_id": session_id, "langfuse_user_id": user_id, "langfuse_tags": [mode],
                    "langfuse_trace_name": f"{mode} turn {turn}", "turn": turn, "mode": mode}
        config = {**base, "run_name": f"{mode}-turn-{turn}", "metadata": metadata}
        if self.sampled(trace_id):  # a trace left out costs the turn no callbacks at all
            config["callbacks"] = [TurnSpans(self.writer, trace_id=trace_id, learner_input=learner_input,
                                             events=events)]
        return config

    def sampled(self, trace_id: str) -> bool:
        """Whether the provider's sampler keeps the trace (``LANGFUSE_SAMPLE_RATE``), decided from its id."""
        decision = self.provider.sampler.should_sample(None, int(trace_id, 16), "turn").decision
        return decision is Decision.RECORD_AND_SAMPLE

    def after_turn(self, trace_id: str, events: list[dict[str, Any]], *, finished: bool,
                   session_id: str | None = None) -> None:
        """Score the turn's trace from its events (in the background): correctness, mastery, disputes, accuracy."""
        self.background.submit(lambda: self._score(trace_id, events, session_id))

    def _score(self, trace_id: str, events: list[dict[str, Any]], session_id: str | None) -> None:
        for ev in events:
            if ev["type"] == "feedback":
                self.client.create_score(name="correctness", value=float(ev["score"]), trace_id=trace_id,
                                         data_type="NUMERIC", comment=f"{ev['item_id']}: {ev['verdict']}")
                self.client.create_score(name="mastery", value=float(ev["mastery"]), trace_id=trace_id,
                                         data_type="NUMERIC", comment=ev["item_id"])
                if ev.get("grader_disagreement") is not None:  # the model judge beside the rubric reading
                    self.client.create_score(name="grader_disagreement", value=float(ev["grader_disagreement"]),
                                             trace_id=trace_id, data_type="NUMERIC",
                                             comment=f"{ev['item_id']}: disputed={ev.get('disputed', False)}")
            if ev.get("dispute") and session_id:  # on the trace of the turn whose grade is disputed
                disputed = ev["dispute"]
                self.client.create_score(name="disputed", value=1.0, data_type="NUMERIC",
                                         trace_id=self.trace_id(session_id, int(disputed["turn"])),
                                         comment=f"{disputed['item_id']}: {disputed['verdict']} "
                                                 f"by {disputed['grader']}")
            if ev["type"] == "summary" and session_id:
                stats = ev.get("stats", {})
                answered = stats.get("answered", 0)
                accuracy = (stats.get("correct", 0) + 0.5 * stats.get("partial", 0)) / answered if answered else 0.0
                self.client.create_score(name="session_accuracy", value=round(accuracy, 3), session_id=session_id,
                                         data_type="NUMERIC",
                                         comment=f"{answered} answers, mastered {len(stats.get('mastered', []))}")

    def trace_url(self, trace_id: str) -> str | None:
        """Return the trace's Langfuse URL to show the operator, or None if it cannot be had."""
        try:
            return self.client.get_trace_url(trace_id=trace_id)
        except Exception:  # noqa: BLE001 - the URL is a convenience; never fail a command for it
            return None

    def flush(self) -> None:
        """Write the turns' traces and scores still queued, and send them to Langfuse."""
        self.background.drain(DRAIN_SECONDS)
        self.client.flush()

    def shutdown(self) -> None:
        """Flush what is queued, but never hold the process longer than FLUSH_SECONDS."""
        worker = threading.Thread(target=self._shutdown, daemon=True, name="langfuse-shutdown")
        worker.start()
        # Known unreachable: it was reported already, and waiting would only delay the exit.
        worker.join(0.2 if self.reachable is False else FLUSH_SECONDS)
        if worker.is_alive() and self.reachable is not False:
            log.warning("Langfuse did not take the last traces within %.0f s; they are dropped.", FLUSH_SECONDS)

    def _shutdown(self) -> None:
        self.background.drain(FLUSH_SECONDS)
        self.client.shutdown()


def release() -> str | None:
    """The package version, the trace's ``release``."""
    try:
        return version("skillcoach")
    except PackageNotFoundError:  # a source tree that was never installed
        return None


def batching() -> dict[str, Any]:
    """Scores sent in batches as large and as seldom as spans are (512, or every 5 s), unless the environment says.

    The SDK's own score default is a request per 15 scores or every second: with a score or two per turn
    that is an HTTP request every few turns, made on a thread that takes the interpreter from the turns.
    """
    return {"flush_at": None if os.environ.get("LANGFUSE_FLUSH_AT") else EXPORT_BATCH,
            "flush_interval": None if os.environ.get("LANGFUSE_FLUSH_INTERVAL") else EXPORT_INTERVAL_SECONDS}


def tracer_provider(settings: Settings) -> TracerProvider:
    """Build this client's own OpenTelemetry provider.

    Service name ``skillcoach`` (not ``unknown_service``), the Langfuse environment and release as resource
    attributes, and head sampling at ``LANGFUSE_SAMPLE_RATE`` (a trace not sampled costs a turn almost nothing).
    """
    resource = Resource.create({"service.name": SERVICE_NAME, "service.version": release() or "unknown",
                                "langfuse.environment": settings.env, "deployment.environment": settings.env})
    rate = settings.langfuse_sample_rate
    return TracerProvider(resource=resource, sampler=TraceIdRatioBased(rate) if rate < 1.0 else None)


def fetch_observations(client: Any, trace_id: str) -> list[dict[str, Any]]:
    """Every observation of a trace, through the SDK (v5 has no trace-get: list them, page by page)."""
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.api.observations.get_many(trace_id=trace_id, limit=100, cursor=cursor)
        found += [{"id": o.id, "parent": o.parent_observation_id, "name": o.name, "type": o.type,
                   "start": o.start_time} for o in page.data]
        cursor = getattr(page.meta, "cursor", None)
        if not cursor or not page.data:
            return found


def observation_tree(observations: list[dict[str, Any]]) -> list[str]:
    """Indented lines, children under parents, in start order."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    ids = {o["id"] for o in observations}
    for obs in sorted(observations, key=lambda o: str(o["start"])):
        parent = obs["parent"] if obs["parent"] in ids else None
        children.setdefault(parent, []).append(obs)
    lines: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for obs in children.get(parent, []):
            lines.append(f"{'  ' * depth}{obs['name']} [{obs['type'].lower()}]")
            walk(obs["id"], depth + 1)
    walk(None, 0)
    return lines
