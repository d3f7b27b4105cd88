"""The SDK's LangChain ``CallbackHandler``, made cheap and readable for one coach turn.

The SDK serialises every run's input and output; for a graph node that is the whole session state,
twice per node. This handler hands it compact summaries instead (skillcoach.tracing.summaries), names
each node's observation after what it did, and gives the trace the learner's input and the coach's
reply as its input and output. Runs of other graphs (the weekly plan) are traced as the SDK does.
A model call made with a Langfuse prompt (``metadata["langfuse_prompt"]``) is linked to its version.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from langfuse.langchain import CallbackHandler

from skillcoach.tracing.summaries import COACH_NODES, node_input, node_name, node_output, turn_input, turn_output

Event = dict[str, Any]
# LangGraph's bookkeeping in every run's metadata; serialised onto every span it would cost each one
# a dozen attributes and tell a reader nothing the observation tree does not.
PLUMBING = ("langgraph_", "checkpoint_", "ls_", "thread_id", "__pregel")
# The turn's own metadata (turn number, mode, ...) is on the trace already; a child observation repeating
# it costs every span attributes to set, mask and encode, and shows nothing new.
WAITS = "waits for the learner"


def lean(metadata: dict[str, Any] | None, inherited: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """``metadata`` without LangGraph's plumbing keys or what the turn's trace already carries (step kept)."""
    if not metadata:
        return metadata
    inherited = inherited or {}
    kept = {key: value for key, value in metadata.items()
            if not key.startswith(PLUMBING) and (key not in inherited or inherited[key] != value)}
    if "langgraph_step" in metadata:
        kept["step"] = metadata["langgraph_step"]
    return kept


class TurnHandler(CallbackHandler):
    """One learner turn's callbacks; ``events`` is the list the session fills as the graph streams."""

    def __init__(self, *, public_key: str, trace_id: str, learner_input: Any = None,
                 events: list[Event] | None = None) -> None:
        super().__init__(public_key=public_key, trace_context={"trace_id": trace_id})
        self.learner_input = learner_input
        self.events = events
        self.route: list[str] = []
        self._nodes: dict[UUID, str] = {}
        self._inherited: dict[str, Any] = {}  # the root run's metadata, which every child run repeats

    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
                       metadata: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Open a node's span with a compact summary of its input instead of the whole state."""
        node = (metadata or {}).get("langgraph_node")
        if parent_run_id is None:
            self._inherited = dict(metadata or {})
            if self.events is not None:
                inputs = turn_input(self.learner_input) or "(session start)"
        elif node in COACH_NODES and kwargs.get("name") == node and self.events is not None:
            self._nodes[run_id] = node
            inputs = node_input(node, inputs)
        if parent_run_id is not None:
            kwargs["tags"] = step_free(kwargs.get("tags"))
        metadata = lean(metadata, self._inherited if parent_run_id is not None else None)
        return super().on_chain_start(serialized, inputs, run_id=run_id, parent_run_id=parent_run_id,
                                      metadata=metadata, **kwargs)

    def on_tool_start(self, serialized: Any, input_str: str, *, run_id: UUID, parent_run_id: UUID | None = None,
                      metadata: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Open a tool's span without LangGraph's bookkeeping metadata."""
        kwargs["tags"] = step_free(kwargs.get("tags"))
        return super().on_tool_start(serialized, input_str, run_id=run_id, parent_run_id=parent_run_id,
                                     metadata=lean(metadata, self._inherited), **kwargs)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
                     **kwargs: Any) -> Any:
        """Close a node's span with a summary of what it produced, renamed to say what happened."""
        node = self._nodes.pop(run_id, None)
        if node is not None:
            self.route.append(node)
            self._rename(run_id, node_name(node, outputs))
            outputs = node_output(node, outputs)
            kwargs.pop("inputs", None)  # keep the summary the span started with
        elif parent_run_id is None and self.events is not None:
            outputs = turn_output(self.events)
            span = self._runs.get(run_id)
            if span is not None:
                span.update(metadata={"route": self.route})
            kwargs.pop("inputs", None)
        return super().on_chain_end(outputs, run_id=run_id, parent_run_id=parent_run_id, **kwargs)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, parent_run_id: UUID | None = None,
                       **kwargs: Any) -> Any:
        """Close a node's span on error; the learner node's interrupt is named as the wait it is."""
        node = self._nodes.pop(run_id, None)
        if node is not None:
            kwargs.pop("inputs", None)
            if node == "learner":  # the interrupt: the graph waits for the learner here
                self._rename(run_id, "learner: waits")
        return super().on_chain_error(error, run_id=run_id, parent_run_id=parent_run_id, **kwargs)

    def on_chat_model_start(self, serialized: Any, messages: Any, *, run_id: UUID,
                            parent_run_id: UUID | None = None, metadata: dict[str, Any] | None = None,
                            **kwargs: Any) -> Any:
        """Open a generation and link it to the Langfuse prompt version it used."""
        self._link_prompt(parent_run_id, metadata)
        return super().on_chat_model_start(serialized, messages, run_id=run_id, parent_run_id=parent_run_id,
                                           metadata=lean(metadata, self._inherited), **kwargs)

    def on_llm_start(self, serialized: Any, prompts: Any, *, run_id: UUID, parent_run_id: UUID | None = None,
                     metadata: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Open a generation for a completion model and link its prompt version."""
        self._link_prompt(parent_run_id, metadata)
        return super().on_llm_start(serialized, prompts, run_id=run_id, parent_run_id=parent_run_id,
                                    metadata=lean(metadata, self._inherited), **kwargs)

    def _link_prompt(self, parent_run_id: UUID | None, metadata: dict[str, Any] | None) -> None:
        """The SDK links a generation to a prompt registered on a parent run; a model call carries its own."""
        prompt = (metadata or {}).get("langfuse_prompt")
        if prompt is not None and parent_run_id is not None:
            self._prompt_to_parent_run_map[parent_run_id] = prompt

    def _rename(self, run_id: UUID, name: str) -> None:
        """Rename the run's observation on its OpenTelemetry span.

        ``span.update(name=...)`` would also re-mask and re-set the span's other attributes.
        """
        span = self._runs.get(run_id)
        if span is not None:
            span._otel_span.update_name(name)  # noqa: SLF001 - the wrapper has no lighter public rename

    def _get_error_level_and_status_message(self, error: BaseException) -> tuple[Any, str]:
        """A LangGraph interrupt is the wait for the learner, said in a few words, not the repr of what it shows."""
        level, message = super()._get_error_level_and_status_message(error)
        if level == "DEFAULT" and type(error).__name__ == "GraphInterrupt":  # control flow, not a failure
            return level, WAITS
        return level, message


def step_free(tags: list[str] | None) -> list[str] | None:
    """Run tags without LangGraph's ``graph:step:N``, which repeats the ``step`` kept in the metadata."""
    if not tags:
        return tags
    kept = [tag for tag in tags if not tag.startswith("graph:step:")]
    return kept or None
