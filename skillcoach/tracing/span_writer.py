"""A finished turn's runs written as Langfuse observations, in one pass, to the client's OpenTelemetry tracer.

Each span gets explicit start and end times and its attributes built once, with the keys Langfuse's
server reads (``langfuse/_client/attributes.py``). Parents start before their children and end after
them, so the SDK's span processor sees the tree as it would live. A trace not sampled costs one
unrecorded span: nothing is serialised or masked for it. With a Background, a turn's spans are written
after the turn has answered, off its path; the tracer's flush and shutdown wait for them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from langfuse import Langfuse
from langfuse._client.attributes import LangfuseOtelSpanAttributes as Key
from langfuse._utils.serializer import EventSerializer
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

from skillcoach.tracing.background import Background
from skillcoach.tracing.masking import mask

Attributes = dict[str, Any]
SAMPLED = trace.TraceFlags(0x01)


@dataclass(slots=True)
class Run:
    """What one LangChain run did: enough to write its observation once the turn is over."""

    name: str
    kind: str  # "chain", "tool" or "generation": the observation type
    parent: UUID | None
    start: int  # time.time_ns()
    input: Any = None
    metadata: dict[str, Any] | None = None  # as LangChain gave it, until the run is written
    tags: list[str] | None = None
    extras: dict[str, Any] | None = None  # a tool run's own keyword arguments (e.g. its color), shown as metadata
    end: int = 0
    output: Any = None
    level: str | None = None
    status: str | None = None
    generation: Attributes = field(default_factory=dict)  # model, parameters, usage, prompt


class SpanWriter:
    """Writes a turn's runs to the Langfuse client's tracer; masks every text it exports when asked to."""

    def __init__(self, client: Langfuse, *, mask_pii: bool, environment: str, release: str | None,
                 background: Background | None = None):
        self.tracer: trace.Tracer = client._otel_tracer  # noqa: SLF001 - the SDK's scope: its processor exports it
        self.background = background
        self.mask_pii = mask_pii
        self.common: Attributes = {Key.ENVIRONMENT: environment}
        if release:
            self.common[Key.RELEASE] = release

    def parent(self, trace_id: str | None) -> otel_context.Context:
        """The context a turn's root span starts in: its own trace (a remote parent), or the current span."""
        if trace_id is None:
            return otel_context.get_current()
        remote = trace.SpanContext(trace_id=int(trace_id, 16), span_id=RandomIdGenerator().generate_span_id(),
                                   is_remote=False, trace_flags=SAMPLED)
        return trace.set_span_in_context(trace.NonRecordingSpan(remote), otel_context.Context())

    def trace_attributes(self, *, name: str | None, user_id: Any, session_id: Any, tags: list[str] | None,
                         metadata: dict[str, Any] | None) -> Attributes:
        """The trace's name, user, session, tags and metadata, which every span of the trace carries."""
        attrs: Attributes = {Key.TRACE_NAME: name, Key.TRACE_USER_ID: user_id, Key.TRACE_SESSION_ID: session_id,
                             Key.TRACE_TAGS: tags or None}
        attrs.update(self._metadata(metadata, Key.TRACE_METADATA))
        return {key: value for key, value in attrs.items() if value is not None}

    def hand_over(self, job: Callable[[], object], *, nested: bool) -> None:
        """Run a finished turn's writing ``job``: in the background when there is one, unless the turn is nested.

        A turn nested in another span (an experiment item) is written at once, while that span is still open.
        """
        if self.background is not None and not nested:
            self.background.submit(job)
        else:
            job()

    def write(self, runs: dict[UUID, Run], root: UUID, parent: otel_context.Context, trace_attrs: Attributes, *,
              as_root: bool) -> int:
        """Write the root run and everything under it; returns the number of spans recorded (0: not sampled)."""
        children: dict[UUID, list[tuple[UUID, Run]]] = {}
        for run_id, run in runs.items():
            if run.parent is not None:
                children.setdefault(run.parent, []).append((run_id, run))
        top = runs[root]
        span = self.tracer.start_span(top.name, context=parent, start_time=top.start)
        if not span.is_recording():
            span.end(end_time=top.end or None)
            return 0
        shared = {**trace_attrs, **self.common}
        span.set_attributes({**self.attributes(top, shared), **({Key.AS_ROOT: True} if as_root else {})})
        return self._close(span, root, top, children, shared)

    def _close(self, span: trace.Span, run_id: UUID, run: Run, children: dict[UUID, list[tuple[UUID, Run]]],
               shared: Attributes) -> int:
        """Write the run's children under its open span, then end it: parents outlive their children."""
        written = 1
        inside = trace.set_span_in_context(span)
        for child_id, child in children.get(run_id, []):
            child_span = self.tracer.start_span(child.name, context=inside, start_time=child.start,
                                                attributes=self.attributes(child, shared))
            written += self._close(child_span, child_id, child, children, shared)
        span.end(end_time=run.end or time.time_ns())
        return written

    def attributes(self, run: Run, shared: Attributes) -> Attributes:
        """One observation's attributes: type, input, output, metadata, level, status and the generation's own."""
        attrs: Attributes = {**shared, Key.OBSERVATION_TYPE: run.kind, Key.OBSERVATION_INPUT: self._text(run.input),
                             Key.OBSERVATION_OUTPUT: self._text(run.output), Key.OBSERVATION_LEVEL: run.level,
                             Key.OBSERVATION_STATUS_MESSAGE: run.status and self._masked(run.status)}
        attrs.update(self._metadata(run.metadata, Key.OBSERVATION_METADATA))
        gen = run.generation
        if gen:
            prompt = gen.get("prompt")
            attrs.update({Key.OBSERVATION_MODEL: gen.get("model"),
                          Key.OBSERVATION_MODEL_PARAMETERS: _json(gen.get("parameters") or None),
                          Key.OBSERVATION_USAGE_DETAILS: _json(gen.get("usage"))})
            if prompt is not None and not getattr(prompt, "is_fallback", False):  # a local file: no version
                attrs.update({Key.OBSERVATION_PROMPT_NAME: prompt.name, Key.OBSERVATION_PROMPT_VERSION: prompt.version})
        return {key: value for key, value in attrs.items() if value is not None}

    def _masked(self, value: Any) -> Any:
        return mask(value) if self.mask_pii else value

    def _text(self, value: Any) -> str | None:
        """The value as Langfuse shows it (a string, or JSON as the SDK writes it), masked."""
        value = self._masked(value)
        return value if value is None or isinstance(value, str) else _json(value)

    def _metadata(self, metadata: dict[str, Any] | None, prefix: str) -> Attributes:
        """Metadata flattened to one attribute per key, each value JSON (as the SDK writes it), masked."""
        if not metadata:
            return {}
        return {f"{prefix}.{key}": json.dumps(self._masked(value), cls=EventSerializer, separators=(",", ":"),
                                              ensure_ascii=False)
                for key, value in metadata.items() if value is not None}


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, cls=EventSerializer)
