"""One turn's runs, noted as LangChain reports them and written as Langfuse spans in one pass when the turn ends.

While the turn runs, a callback only notes what a run did (name, times, a compact summary); the spans are
built once, at the end, by skillcoach.tracing.span_writer. Coach nodes get compact summaries instead of the
whole state (skillcoach.tracing.summaries) and names that say what they did; the turn's span gets the
learner's input and the coach's reply. Runs of other graphs (the weekly plan) keep their input and output.
A model call is a generation under the node that made it, linked to its Langfuse prompt version.

This speaks LangChain's callback protocol (the manager calls these methods by name and reads the
``ignore_*`` flags) without importing LangChain: the core knows nothing of it.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from langfuse.langchain.CallbackHandler import _parse_model, _parse_usage
from langfuse.langchain.utils import _extract_model_name
from opentelemetry import context as otel_context

from skillcoach.tracing.span_writer import Run, SpanWriter
from skillcoach.tracing.summaries import COACH_NODES, node_input, node_name, node_output, turn_input, turn_output

Event = dict[str, Any]
# LangGraph's bookkeeping in every run's metadata; on every span it would cost each one a dozen attributes
# and tell a reader nothing the observation tree does not.
PLUMBING = ("langgraph_", "checkpoint_", "ls_", "thread_id", "__pregel")
# The keys that make the trace (name, user, session, tags) and the prompt link: never observation metadata.
LANGFUSE_KEYS = ("langfuse_session_id", "langfuse_user_id", "langfuse_tags", "langfuse_trace_name", "langfuse_prompt")
WAITS = "waits for the learner"
HIDDEN = "langsmith:hidden"
ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool", "function": "function"}
MODEL_PARAMETERS = ("temperature", "max_tokens", "max_completion_tokens", "top_p", "frequency_penalty",
                    "presence_penalty", "request_timeout", "stop_sequences")


class TurnSpans:
    """One learner turn's callbacks; ``events`` is the list the session fills as the graph streams."""

    raise_error = False
    run_inline = True
    ignore_llm = ignore_chain = ignore_agent = ignore_chat_model = False  # tools come under "agent"
    ignore_retriever = ignore_retry = ignore_custom_event = True

    def __init__(self, writer: SpanWriter, *, trace_id: str | None, learner_input: Any = None,
                 events: list[Event] | None = None) -> None:
        self.writer, self.trace_id = writer, trace_id
        self.learner_input, self.events = learner_input, events
        self.runs: dict[UUID, Run] = {}
        self.route: list[str] = []
        self._nodes: dict[UUID, str] = {}
        self._prompts: dict[UUID, Any] = {}  # run id -> the Langfuse prompt its metadata carries
        self._root_metadata: dict[str, Any] = {}  # the root run's metadata, which every child run repeats
        self._root_tags: list[str] | None = None
        self._context: otel_context.Context | None = None  # nested: the span current when the turn started

    def nest(self) -> None:
        """Write the turn under the span current when it starts instead of a trace of its own (experiments)."""
        self.trace_id = None

    # -- chains: the turn and its nodes ----------------------------------------------------------------
    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
                       tags: list[str] | None = None, metadata: dict[str, Any] | None = None,
                       **kwargs: Any) -> None:
        """Note a run's start: the turn with the learner's input, a coach node with a summary of its state."""
        name = run_name(serialized, kwargs)
        if parent_run_id is None:
            self._root_metadata, self._root_tags = metadata or {}, tags
            self._context = otel_context.get_current() if self.trace_id is None else None
            if self.events is not None:
                inputs = turn_input(self.learner_input) or "(session start)"
        elif self.events is not None:
            node = (metadata or {}).get("langgraph_node")
            if node in COACH_NODES and name == node:
                self._nodes[run_id] = node
                inputs = node_input(node, inputs)
        if metadata and metadata.get("langfuse_prompt") is not None:
            self._prompts[run_id] = metadata["langfuse_prompt"]
        self.runs[run_id] = Run(name, "chain", parent_run_id, time.time_ns(), inputs, metadata, tags,
                                level="DEBUG" if tags and HIDDEN in tags else None)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
                     **kwargs: Any) -> None:
        """Note a run's output; a node is named after what it did; the turn's end writes its spans."""
        run = self.runs.get(run_id)
        if run is None:
            return
        run.end = time.time_ns()
        node = self._nodes.pop(run_id, None)
        if node is not None:
            self.route.append(node)
            run.name, run.output = node_name(node, outputs), node_output(node, outputs)
        elif parent_run_id is None and self.events is not None:
            run.output = turn_output(self.events)
        else:
            run.output = outputs
        if parent_run_id is None:
            self._write(run_id)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, parent_run_id: UUID | None = None,
                       **kwargs: Any) -> None:
        """Note a failed run; the learner node's interrupt is the wait it is, not a failure."""
        run = self.runs.get(run_id)
        if run is None:
            return
        run.end = time.time_ns()
        run.level, run.status = error_level(error)
        if self._nodes.pop(run_id, None) == "learner":
            run.name = "learner: waits"
        if parent_run_id is None:
            self._write(run_id)

    def _write(self, root: UUID) -> None:
        """Hand the finished turn to the writer; its metadata and the trace's attributes are shaped there too."""
        runs, route, context = self.runs, self.route, self._context
        root_metadata, root_tags, trace_id = self._root_metadata, self._root_tags, self.trace_id
        self.runs, self.route, self._nodes, self._prompts = {}, [], {}, {}

        def job() -> None:
            trace = self._settle(runs, root, root_metadata, root_tags, route)
            parent = context if context is not None else self.writer.parent(trace_id)
            self.writer.write(runs, root, parent, trace, as_root=context is None)

        self.writer.hand_over(job, nested=context is not None)

    def _settle(self, runs: dict[UUID, Run], root: UUID, root_metadata: dict[str, Any],
                root_tags: list[str] | None, route: list[str]) -> dict[str, Any]:
        """Each run's observation metadata, lean; the trace's attributes from the root run's metadata."""
        trace_meta = lean({key: value for key, value in root_metadata.items() if not key.startswith("langfuse_")})
        for run_id, run in runs.items():
            if run_id == root:
                run.metadata = {**trace_meta, "is_langchain_root": True,
                                **({"route": route} if self.events is not None else {})}
            else:
                run.metadata = {**lean(joined(step_free(run.tags), run.metadata), root_metadata), **(run.extras or {})}
        tags = {*(root_metadata.get("langfuse_tags") or []), *(root_tags or [])}
        return self.writer.trace_attributes(
            name=root_metadata.get("langfuse_trace_name"), user_id=root_metadata.get("langfuse_user_id"),
            session_id=root_metadata.get("langfuse_session_id"), tags=sorted(tags), metadata=trace_meta)

    # -- tools -------------------------------------------------------------------------------------------
    def on_tool_start(self, serialized: Any, input_str: str, *, run_id: UUID, parent_run_id: UUID | None = None,
                      tags: list[str] | None = None, metadata: dict[str, Any] | None = None, inputs: Any = None,
                      **kwargs: Any) -> None:
        """Note a tool call with its arguments."""
        self.runs[run_id] = Run(run_name(serialized, kwargs), "tool", parent_run_id, time.time_ns(),
                                input_str if inputs is None else inputs, metadata, tags,
                                extras={key: value for key, value in kwargs.items() if value is not None})

    def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """Note what the tool returned."""
        self._end(run_id, output)

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Note a failed tool call."""
        self._fail(run_id, error)

    # -- model calls: generations ------------------------------------------------------------------------
    def on_chat_model_start(self, serialized: Any, messages: list[list[Any]], *, run_id: UUID,
                            parent_run_id: UUID | None = None, tags: list[str] | None = None,
                            metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """Note a chat model call: its messages, model and parameters, and the prompt version it used."""
        self._generation(serialized, [message_dict(m) for batch in messages for m in batch], run_id,
                         parent_run_id, tags, metadata, kwargs)

    def on_llm_start(self, serialized: Any, prompts: list[str], *, run_id: UUID,
                     parent_run_id: UUID | None = None, tags: list[str] | None = None,
                     metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """Note a completion model call."""
        self._generation(serialized, prompts[0] if len(prompts) == 1 else prompts, run_id, parent_run_id, tags,
                         metadata, kwargs)

    def _generation(self, serialized: Any, prompt_input: Any, run_id: UUID, parent_run_id: UUID | None,
                    tags: list[str] | None, metadata: dict[str, Any] | None, kwargs: dict[str, Any]) -> None:
        params = kwargs.get("invocation_params") or {}
        model = (metadata or {}).get("ls_model_name") or _extract_model_name(serialized, **kwargs)
        generation = {"model": model, "prompt": self._prompt(metadata, parent_run_id),
                      "parameters": {key: params[key] for key in MODEL_PARAMETERS if params.get(key) is not None}}
        self.runs[run_id] = Run(run_name(serialized, kwargs), "generation", parent_run_id, time.time_ns(),
                                prompt_input, metadata, tags, generation=generation)

    def _prompt(self, metadata: dict[str, Any] | None, parent: UUID | None) -> Any:
        """The Langfuse prompt of a model call: its own, else the nearest enclosing run's."""
        prompt = (metadata or {}).get("langfuse_prompt")
        while prompt is None and parent is not None:
            prompt = self._prompts.get(parent)
            run = self.runs.get(parent)
            parent = run.parent if run else None
        return prompt

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """Note the model's reply, token usage and the model that answered."""
        run = self.runs.get(run_id)
        if run is None:
            return
        last = response.generations[-1][-1]
        message = getattr(last, "message", None)
        run.generation["usage"] = _parse_usage(response)
        run.generation["model"] = _parse_model(response) or run.generation.get("model")
        self._end(run_id, message_dict(message) if message is not None else last.text)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Note a failed model call."""
        self._fail(run_id, error)

    def _end(self, run_id: UUID, output: Any) -> None:
        run = self.runs.get(run_id)
        if run is not None:
            run.end, run.output = time.time_ns(), output

    def _fail(self, run_id: UUID, error: BaseException) -> None:
        run = self.runs.get(run_id)
        if run is not None:
            run.end = time.time_ns()
            run.level, run.status = "ERROR", str(error)

    # -- events a turn's trace does not show ---------------------------------------------------------
    def on_llm_new_token(self, *args: Any, **kwargs: Any) -> None:
        """Streamed tokens: the reply is noted whole at the end."""

    def on_stream_event(self, *args: Any, **kwargs: Any) -> None:
        """Streamed events: the reply is noted whole at the end."""

    def on_agent_action(self, *args: Any, **kwargs: Any) -> None:
        """Agent steps: the coach has none (tool calls come under the same flag)."""

    def on_agent_finish(self, *args: Any, **kwargs: Any) -> None:
        """Agent steps: the coach has none."""

    def on_text(self, *args: Any, **kwargs: Any) -> None:
        """Free text some chains print: not part of a trace."""


def run_name(serialized: Any, kwargs: dict[str, Any]) -> str:
    """A run's name as the SDK finds it: the given name, the serialised name, its class, else ``<unknown>``."""
    if kwargs.get("name") is not None:
        return str(kwargs["name"])
    if isinstance(serialized, dict):
        if serialized.get("name") is not None:
            return str(serialized["name"])
        if serialized.get("id"):
            return str(serialized["id"][-1])
    return "<unknown>"


def error_level(error: BaseException) -> tuple[str, str]:
    """Level and status message: LangGraph's control flow (an interrupt) is no failure."""
    names = {cls.__name__ for cls in type(error).__mro__}
    if "GraphInterrupt" in names:
        return "DEFAULT", WAITS
    if "GraphBubbleUp" in names:
        return "DEFAULT", str(error) or type(error).__name__
    return "ERROR", str(error)


def message_dict(message: Any) -> dict[str, Any]:
    """A chat message as Langfuse shows it: role, content, and tool calls when there are some."""
    found: dict[str, Any] = {"role": getattr(message, "role", None) or ROLES.get(message.type, message.type),
                             "content": message.content}
    for key in ("tool_calls", "invalid_tool_calls", "tool_call_id", "name"):
        if getattr(message, key, None):
            found[key] = getattr(message, key)
    if getattr(message, "additional_kwargs", None):
        found["additional_kwargs"] = message.additional_kwargs
    return found


def joined(tags: list[str] | None, metadata: dict[str, Any] | None) -> dict[str, Any]:
    """A run's tags and metadata as one observation metadata, without the keys that make the trace's."""
    found = {"tags": tags} if tags else {}
    found.update({key: value for key, value in (metadata or {}).items() if key not in LANGFUSE_KEYS})
    return found


def lean(metadata: dict[str, Any] | None, inherited: dict[str, Any] | None = None) -> dict[str, Any]:
    """``metadata`` without LangGraph's plumbing keys or what the turn's trace already carries (step kept)."""
    if not metadata:
        return {}
    inherited = inherited or {}
    kept = {key: value for key, value in metadata.items()
            if not key.startswith(PLUMBING) and (key not in inherited or inherited[key] != value)}
    if "langgraph_step" in metadata:
        kept["step"] = metadata["langgraph_step"]
    return kept


def step_free(tags: list[str] | None) -> list[str] | None:
    """Run tags without LangGraph's ``graph:step:N``, which repeats the ``step`` kept in the metadata."""
    if not tags:
        return tags
    kept = [tag for tag in tags if not tag.startswith("graph:step:")]
    return kept or None
