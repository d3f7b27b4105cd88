"""The learner's seat: the graph waits here (``interrupt``) for an answer, a question or a command.

Nothing else happens in this node, so when LangGraph re-runs it on resume no
work is repeated: the lesson or question was prepared by the node before.
"""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from agents.state import CoachState

COMMANDS = {"continue", "hint", "skip", "progress", "quit", "dispute"}


def learner(state: CoachState) -> dict[str, Any]:
    """Wait for the learner's reply, then pass it on normalised in the inbox and count the turn."""
    reply = interrupt(state.get("pending"))
    return {"inbox": normalise_reply(reply), "turn": state.get("turn", 0) + 1}


def normalise_reply(reply: Any) -> dict[str, str]:
    """{'answer': ...} | {'ask': ...} | {'command': ...}; a bare string starting with '/' is a command."""
    if isinstance(reply, dict):
        for key in ("answer", "ask", "command"):
            if key in reply:
                return {key: str(reply[key]), **(_parsed(reply) if key == "answer" else {})}
        return {"command": "unknown"}
    text = str(reply or "")
    if text.startswith("/"):
        return {"command": text[1:].strip().lower()}
    return {"answer": text}


def _parsed(reply: dict[str, Any]) -> dict[str, str]:
    """The response the face already parsed from the answer (the reviewer grades it without parsing again)."""
    return {"response": str(reply["response"])} if "response" in reply else {}
