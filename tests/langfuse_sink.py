"""A loopback stand-in for Langfuse's ingestion endpoints: decodes what the SDK posts."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.loopback import JsonHandler, LoopbackServer

OTEL_PATH = "/api/public/otel/v1/traces"
SCORES_PATH = "/api/public/scores"
OBSERVATIONS_PATH = "/api/public/v2/observations"


class LangfuseSink(LoopbackServer):
    """Start with ``with LangfuseSink() as sink``; ``sink.url`` is the base URL to configure."""

    def __init__(self, delay: float = 0.0):
        self.spans: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.delay = delay
        sink = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                sink.paths.append(self.path)
                if self.path.startswith(OBSERVATIONS_PATH):  # replay show --trace
                    trace_id = parse_qs(urlparse(self.path).query).get("traceId", [""])[0]
                    self.reply({"data": [observation(s) for s in sink.spans if s["trace_id"] == trace_id],
                                 "meta": {"cursor": None}})
                else:  # auth_check -> GET /api/public/projects
                    self.reply({"data": [{"id": "project-1", "name": "test", "metadata": {},
                                           "organization": {"id": "org-1", "name": "test"}}]})

            def do_POST(self) -> None:
                time.sleep(sink.delay)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                sink.paths.append(self.path)
                if self.path.startswith(OTEL_PATH):
                    sink.spans += decode_spans(body)
                elif self.path.startswith(SCORES_PATH):
                    data = json.loads(body)
                    sink.scores += data if isinstance(data, list) else data.get("batch", [data])
                self.reply({})

        super().__init__(Handler)


def decode_spans(body: bytes) -> list[dict[str, Any]]:
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans = []
    for resource in request.resource_spans:
        resource_attrs = {a.key: _value(a.value) for a in resource.resource.attributes}
        for scope in resource.scope_spans:
            for span in scope.spans:
                attrs = {a.key: _value(a.value) for a in span.attributes}
                spans.append({"name": span.name, "trace_id": span.trace_id.hex(), "attributes": attrs,
                              "resource": resource_attrs,
                              "span_id": span.span_id.hex(), "parent": span.parent_span_id.hex() or None,
                              "start": span.start_time_unix_nano})
    return spans


def observation(span: dict[str, Any]) -> dict[str, Any]:
    """A received span in the shape of the v2 observations API."""
    start = datetime.fromtimestamp(span["start"] / 1e9, tz=UTC).isoformat()
    return {"id": span["span_id"], "traceId": span["trace_id"], "startTime": start, "projectId": "project-1",
            "parentObservationId": span["parent"], "name": span["name"],
            "type": str(span["attributes"].get("langfuse.observation.type", "span")).upper()}


def _value(value: Any) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    return getattr(value, kind) if kind else None
