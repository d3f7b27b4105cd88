"""The learner's input, validated once at the edge: a line of JSONL, or a string from the API or terminal.

A valid message becomes one of the protocol's input models (``skillcoach.protocol``).

Every rejection is a :class:`BadInput` whose message is fit to show the learner as an
``error`` event; nothing rejected here reaches the graph, so the session is unchanged.
Size and nesting are checked before ``json.loads`` runs, so a hostile line costs one
linear scan and cannot exhaust the parser's recursion.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, cast

from skillcoach.errors import SkillcoachError
from skillcoach.i18n import N_
from skillcoach.protocol import INPUTS, InputBase, LearnerInput

MAX_LINE_BYTES = 64 * 1024  # an answer is at most a few thousand characters; a line 10x that is not input
MAX_JSON_DEPTH = 8  # a message is one flat object; a little nesting is tolerated (and ignored)
KEYS = ("answer", "ask", "command")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_ALLOWED_CONTROLS = "\t\n\r"


class BadInput(SkillcoachError, ValueError):
    """A line or message that is not valid learner input; the message says what to send instead."""


def check_text(text: Any, what: str = "text") -> str:
    """The text itself if it is a string without lone surrogates or control characters."""
    if not isinstance(text, str):
        raise BadInput.message(N_("The {what} must be a JSON string, not {type}."), what=what, type=json_type(text))
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise BadInput.message(N_("The {what} contains an invalid character (a lone surrogate); please type it again."),
                              what=what)
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text):
        raise BadInput.message(N_("The {what} contains control characters; please type it again as plain text."),
                              what=what)
    return text


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else type(value).__name__


def parse_message(message: Any) -> LearnerInput:
    """Validate a decoded message (a dict from JSON or a Python caller; a model is checked again)."""
    if isinstance(message, InputBase):
        message = message.wire()
    if not isinstance(message, dict):
        raise BadInput.message(N_("Each line must be a JSON object, not {type}."), type=json_type(message))
    present = [key for key in KEYS if key in message]
    if len(present) != 1:
        raise BadInput.message(N_('Send exactly one of {{"answer": ...}}, {{"ask": ...}} or {{"command": ...}}.'))
    key = present[0]
    text = check_text(message[key], f'"{key}"')
    model = INPUTS[key].model_validate({key: text})
    return cast(LearnerInput, model)


def parse_line(line: str) -> LearnerInput:
    """Decode and validate one JSONL line, refusing oversized or deeply nested input before parsing."""
    if len(line) > MAX_LINE_BYTES or len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
        raise BadInput.message(N_("The line is longer than {kib} KiB; send a shorter message."),
                              kib=MAX_LINE_BYTES // 1024)
    if not line.strip():
        raise BadInput.message(N_('The line is empty: send {{"answer": ...}}, {{"ask": ...}} or {{"command": ...}}.'))
    check_text(line.rstrip("\r\n"), "line")
    if json_depth(line) > MAX_JSON_DEPTH:
        raise BadInput.message(N_("The line nests deeper than {depth} levels; send one flat JSON object."),
                              depth=MAX_JSON_DEPTH)
    try:
        message = json.loads(line)
    except (ValueError, RecursionError):
        raise BadInput.message(N_("Each line must be a JSON object.")) from None
    return parse_message(message)


def json_depth(line: str) -> int:
    """The deepest bracket nesting of a JSON text, strings ignored (a linear scan, no recursion)."""
    deepest = depth = 0
    for ch in _JSON_STRING.sub("", line):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest
