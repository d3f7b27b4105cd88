"""Run a LangChain callback handler on a background thread, off the learner's turn.

Tracing handlers do real work per event (building spans, serialising inputs and outputs).
``BackgroundHandler`` only enqueues each event; one worker thread hands them, in order,
to the wrapped handler. ``drain`` waits (boundedly) until the queue is empty.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler

log = logging.getLogger("skillcoach.tracing")
EVENTS = ("on_llm_start", "on_chat_model_start", "on_llm_new_token", "on_llm_end", "on_llm_error",
          "on_chain_start", "on_chain_end", "on_chain_error", "on_tool_start", "on_tool_end", "on_tool_error",
          "on_retriever_start", "on_retriever_end", "on_retriever_error", "on_agent_action", "on_agent_finish",
          "on_text", "on_retry", "on_custom_event")
IGNORES = ("ignore_llm", "ignore_retry", "ignore_chain", "ignore_agent", "ignore_retriever", "ignore_chat_model",
           "ignore_custom_event")


class CallbackWorker:
    """One thread that delivers queued callback events in order."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Any, str, tuple[Any, ...], dict[str, Any]]] = queue.Queue()
        threading.Thread(target=self._run, daemon=True, name="callback-worker").start()

    def put(self, handler: Any, event: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._queue.put((handler, event, args, kwargs))

    def _run(self) -> None:
        while True:
            handler, event, args, kwargs = self._queue.get()
            try:
                getattr(handler, event)(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - a tracing failure must never surface
                log.debug("callback %s failed: %s", event, exc)
            finally:
                self._queue.task_done()

    def drain(self, timeout: float) -> bool:
        """Wait until every queued event is delivered; False when ``timeout`` ran out first."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


class BackgroundHandler(BaseCallbackHandler):
    """Forwards every event of ``inner`` to the worker; the caller's thread does no tracing work."""

    def __init__(self, inner: BaseCallbackHandler, worker: CallbackWorker):
        self.inner, self.worker = inner, worker
        self.raise_error = False


def _forward(event: str) -> Any:
    def method(self: BackgroundHandler, *args: Any, **kwargs: Any) -> None:
        self.worker.put(self.inner, event, args, kwargs)
    method.__name__ = event
    return method


def _ignore(name: str) -> Any:
    return property(lambda self: getattr(self.inner, name))


for _event in EVENTS:
    setattr(BackgroundHandler, _event, _forward(_event))
for _name in IGNORES:
    setattr(BackgroundHandler, _name, _ignore(_name))
