"""Server-sent events: a turn's events go to the browser one by one as the graph produces them."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from skillcoach.app.web.sessions import TurnResult, with_html
from skillcoach.errors import SkillcoachError

_DONE = object()


def sse(name: str, data: dict[str, Any]) -> str:
    """One SSE message; JSON keeps newlines out of the data line."""
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_turn(run: Callable[[Callable[[dict[str, Any]], None]], TurnResult]) -> Iterator[str]:
    """Run ``run(listener)`` in a thread; yield each event as SSE, then a ``done`` message with the state."""
    inbox: queue.Queue[Any] = queue.Queue()

    streamed: list[dict[str, Any]] = []

    def tell(ev: dict[str, Any]) -> None:
        streamed.append(ev)
        inbox.put(ev)

    def work() -> None:
        try:
            result = run(tell)
            for ev in result.events:  # those made outside the graph (e.g. a refused answer) come last
                if ev in streamed:  # by value: the result's events are fresh dicts of the same typed events
                    streamed.remove(ev)
                else:
                    inbox.put(ev)
            inbox.put(("done", result))
        except SkillcoachError as exc:  # raised before any event: e.g. the turn went stale meanwhile
            inbox.put(("error", str(exc)))
        except Exception:  # noqa: BLE001 - the browser gets a message; the server log gets the traceback
            inbox.put(("error", "The coach hit a problem; your session is saved. Reload the page."))
            raise
        finally:
            inbox.put(_DONE)

    threading.Thread(target=work, name="skillcoach-turn", daemon=True).start()
    while (item := inbox.get()) is not _DONE:
        if isinstance(item, tuple) and item[0] == "done":
            state = item[1].as_json()
            yield sse("done", {k: state[k] for k in ("session_id", "turn", "finished", "pending")})
        elif isinstance(item, tuple):
            yield sse("problem", {"detail": item[1]})
        else:
            yield sse("event", with_html(item))
