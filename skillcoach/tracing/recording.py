"""What one turn did, kept for replay: tool calls, LLM calls, with sizes bounded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_FIELD_CHARS = 4000


def bounded(value: Any, limit: int = MAX_FIELD_CHARS) -> Any:
    """JSON-safe copy of ``value``, with long text cut so records stay small."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    if len(text) <= limit:
        return json.loads(text)
    return {"truncated": True, "chars": len(text), "head": text[:limit]}


@dataclass
class TurnRecorder:
    """Collects what one turn did (tool calls, LLM calls and tokens) for the turn record replay reads."""

    tools: list[dict[str, Any]] = field(default_factory=list)
    llm: list[dict[str, Any]] = field(default_factory=list)
    tokens: int = 0

    def tool(self, name: str, args: dict[str, Any], result: Any) -> None:
        """Record a tool call with its arguments and result, cut to a bounded size."""
        self.tools.append({"tool": name, "input": bounded(args), "output": bounded(result)})

    def llm_call(self, agent: str, messages: Any, output: Any, tokens: int = 0, model: str = "") -> None:
        """Record an LLM call: the agent, model, messages and output, and add its tokens to the turn's count."""
        self.llm.append({"agent": agent, "model": model, "messages": bounded(messages), "output": bounded(output),
                         "tokens": tokens})
        self.tokens += tokens

    def take(self) -> dict[str, Any]:
        """Everything recorded since the last take, and start afresh."""
        record = {"tools": self.tools, "llm": self.llm, "tokens": self.tokens}
        self.tools, self.llm, self.tokens = [], [], 0
        return record
