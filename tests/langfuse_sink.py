"""A loopback stand-in for Langfuse's ingestion endpoints: decodes what the SDK posts."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.loopback import JsonHandler, LoopbackServer

OTEL_PATH = "/api/public/otel/v1/traces"
SCORES_PATH = "/api/public/scores"
OBSERVATIONS_PATH = "/api/public/v2/observations"
PROMPTS_PATH = "/api/public/v2/prompts"
DATASETS_PATH = "/api/public/v2/datasets"
DATASET_ITEMS_PATH = "/api/public/dataset-items"
NOT_FOUND = {"error": "LangfuseNotFoundError", "message": "not found"}
STAMP = "2026-12-01T00:00:00.000Z"


class LangfuseSink(LoopbackServer):
    """Start with ``with LangfuseSink() as sink``; ``sink.url`` is the base URL to configure."""

    def __init__(self, delay: float = 0.0):
        self.spans: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.delay = delay
        self.prompts: dict[str, list[dict[str, Any]]] = {}  # name -> versions, oldest first
        self.datasets: dict[str, dict[str, Any]] = {}
        self.items: dict[str, dict[str, Any]] = {}  # dataset item id -> item
        self.item_posts = 0
        # (status, body, content type) answered to every request but the OTel export, to test error handling
        self.fail_with: tuple[int, bytes, str] | None = None
        sink = self

        class Handler(JsonHandler):
            def answer(self, status: int, payload: Any) -> None:
                self.raw(status, json.dumps(payload).encode(), "application/json")

            def raw(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                sink.paths.append(self.path)
                if sink.fail_with:
                    self.raw(*sink.fail_with)
                    return
                self.answer(*sink.get(self.path))

            def do_POST(self) -> None:
                time.sleep(sink.delay)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                sink.paths.append(self.path)
                if sink.fail_with and not self.path.startswith(OTEL_PATH):
                    self.raw(*sink.fail_with)
                    return
                self.answer(200, sink.post(self.path, body))

        super().__init__(Handler)

    def get(self, path: str) -> tuple[int, Any]:
        """Status and JSON reply to a GET."""
        url = urlparse(path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        found: Any
        if url.path.startswith(PROMPTS_PATH + "/"):
            found = self.prompt(unquote(url.path[len(PROMPTS_PATH) + 1:]), query.get("label"))
        elif url.path.startswith(DATASETS_PATH + "/"):
            found = self.datasets.get(unquote(url.path[len(DATASETS_PATH) + 1:]))
        elif url.path == DATASET_ITEMS_PATH:
            items = [i for i in self.items.values() if i["datasetName"] == query.get("datasetName")]
            found = {"data": items, "meta": {"page": 1, "limit": len(items), "totalPages": 1,
                                             "totalItems": len(items)}}
        elif url.path.startswith(OBSERVATIONS_PATH):  # replay show --trace
            trace_id = query.get("traceId", "")
            found = {"data": [observation(s) for s in self.spans if s["trace_id"] == trace_id],
                     "meta": {"cursor": None}}
        else:  # auth_check -> GET /api/public/projects
            found = {"data": [{"id": "project-1", "name": "test", "metadata": {},
                               "organization": {"id": "org-1", "name": "test"}}]}
        return (200, found) if found else (404, NOT_FOUND)

    def post(self, path: str, body: bytes) -> Any:
        """Record what was sent; the JSON reply."""
        if path.startswith(OTEL_PATH):
            self.spans += decode_spans(body)
        elif path.startswith(SCORES_PATH):
            data = json.loads(body)
            self.scores += data if isinstance(data, list) else data.get("batch", [data])
        elif path == PROMPTS_PATH:
            return self.create_prompt(json.loads(body))
        elif path == DATASETS_PATH:
            return self.create_dataset(json.loads(body))
        elif path == DATASET_ITEMS_PATH:
            return self.upsert_item(json.loads(body))
        return {}

    def prompt(self, name: str, label: str | None) -> dict[str, Any] | None:
        """The version of ``name`` carrying ``label`` (default production), as the prompts API returns it."""
        wanted = label or "production"
        return next((v for v in reversed(self.prompts.get(name, [])) if wanted in v["labels"]), None)

    def create_prompt(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new version; its labels move off the older versions, as in Langfuse."""
        versions = self.prompts.setdefault(body["name"], [])
        labels = list(body.get("labels") or [])
        for old in versions:
            old["labels"] = [label for label in old["labels"] if label not in labels]
        created = {"name": body["name"], "type": body.get("type", "text"), "prompt": body["prompt"],
                   "config": body.get("config") or {}, "labels": labels + ["latest"], "tags": [],
                   "version": len(versions) + 1, "commitMessage": body.get("commitMessage")}
        for old in versions:
            old["labels"] = [label for label in old["labels"] if label != "latest"]
        versions.append(created)
        return created

    def create_dataset(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create or update by name, as Langfuse does."""
        dataset = self.datasets.setdefault(body["name"], {"id": f"dataset-{len(self.datasets) + 1}",
                                                          "projectId": "project-1", "createdAt": STAMP})
        dataset.update(name=body["name"], description=body.get("description"), metadata=body.get("metadata"),
                       updatedAt=STAMP)
        return dataset

    def upsert_item(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create or update a dataset item by its id."""
        self.item_posts += 1
        dataset = self.datasets[body["datasetName"]]
        item_id = body.get("id") or f"item-{len(self.items) + 1}"
        item = {"id": item_id, "status": body.get("status") or "ACTIVE", "input": body.get("input"),
                "expectedOutput": body.get("expectedOutput"), "metadata": body.get("metadata"),
                "sourceTraceId": body.get("sourceTraceId"), "sourceObservationId": body.get("sourceObservationId"),
                "datasetId": dataset["id"], "datasetName": body["datasetName"], "createdAt": STAMP,
                "updatedAt": STAMP, "mediaReferences": []}
        self.items[item_id] = item
        return item


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
