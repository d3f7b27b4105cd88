"""A loopback OpenAI-compatible chat-completions server, for the real provider client."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OpenAIStub:
    """Answers /v1/chat/completions: JSON for structured-output requests, text otherwise."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                stub.requests.append(body)
                raw = json.dumps(completion(body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> OpenAIStub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def completion(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("response_format"):
        # A prompt that asks for strictness gets a stricter verdict: a prompt change shows in grades.
        strict = "STRICT" in str(body.get("messages", [{}])[0].get("content", ""))
        content = json.dumps({"verdict": "partial" if strict else "correct", "score": 0.5 if strict else 0.9,
                              "missing_points": ["an example"] if strict else [],
                              "feedback": "Judged by the stub model."})
    else:
        content = "## A lesson from the stub model\nWritten for this learner."
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": body.get("model", "stub"),
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
    }
