"""A chat model that plays back recorded outputs, so a replay makes no network call."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import Field, ValidationError


class RecordingExhausted(RuntimeError):
    """The replay asked for more model output than the original session produced."""


class RecordedFailure(RuntimeError):
    """The original session's call at this point failed (or was skipped), so the replayed one fails too."""


class RecordedChatModel(BaseChatModel):
    """Returns the recorded outputs of one agent, in the order they were produced."""

    outputs: deque[dict[str, Any]] = Field(default_factory=deque)
    model_name: str = "recorded"

    @property
    def _llm_type(self) -> str:
        return "recorded"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> RecordedChatModel:
        """Return the model itself: the recorded outputs already hold the tool calls the original model made."""
        return self

    def with_structured_output(self, schema: Any, *, include_raw: bool = False,
                               **kwargs: Any) -> Runnable[Any, Any]:
        """Parse the recorded output as the original parse saw it: tool-call arguments or JSON text."""
        def play(messages: Any) -> Any:
            raw = self.invoke(messages)
            try:
                args = raw.tool_calls[0]["args"] if raw.tool_calls else json.loads(str(raw.content))
                parsed, error = schema.model_validate(args), None
            except (ValueError, ValidationError) as exc:
                parsed, error = None, exc
            return {"raw": raw, "parsed": parsed, "parsing_error": error} if include_raw else parsed
        return RunnableLambda(play)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        if not self.outputs:
            raise RecordingExhausted("no recorded output left for this call")
        out = self.outputs.popleft() or {}
        if out.get("error"):  # the original call failed or was skipped: fail the same way
            raise RecordedFailure(f"the original call failed: {out['error']}")
        message = AIMessage(content=out.get("content") or "", tool_calls=out.get("tool_calls") or [])
        return ChatResult(generations=[ChatGeneration(message=message)])


def recorded_models(turn_records: list[dict[str, Any]]) -> dict[str, RecordedChatModel]:
    """One playback model per agent that called a model in these turns."""
    queues: dict[str, deque[dict[str, Any]]] = {}
    for record in turn_records:
        for call in record.get("llm", []):
            queues.setdefault(call["agent"], deque()).append(call.get("output"))
    return {agent: RecordedChatModel(outputs=queue) for agent, queue in queues.items()}
