"""A loopback OpenAI-compatible chat-completions server, for the real provider client."""

from __future__ import annotations

import json
import threading
from typing import Any

from tests.loopback import JsonHandler, LoopbackServer


class OpenAIStub(LoopbackServer):
    """Answers /v1/chat/completions: JSON for structured-output requests, text otherwise."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                stub.requests.append(body)
                self.reply(completion(body))

        super().__init__(Handler)
        self.base_url = f"{self.url}/v1"


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


class HangingOpenAIStub(LoopbackServer):
    """Accepts every request and never answers (until the ``with`` block ends): a provider outage."""

    def __init__(self) -> None:
        self.requests = 0
        self.release = threading.Event()
        stub = self

        class Handler(JsonHandler):
            def do_POST(self) -> None:
                stub.requests += 1
                stub.release.wait(120)

        super().__init__(Handler)
        self.base_url = f"{self.url}/v1"

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        super().__exit__(*exc)
