"""The JSONL protocol as types: the coach's events and the learner's inputs, one pydantic model each.

Events are a discriminated union on ``type``. ``Event.wire()`` gives the exact dict the protocol has
always carried (``json.dumps(ev.wire(), ensure_ascii=False)`` is a protocol line): fields in their
declared order, optional fields only when they were given. Pure pydantic: the core imports no graph.

Agents build the models (so every event is validated where it is made); graph state, checkpoints
and the graph's custom stream carry their wire dicts (stable, JSON-native, readable by older code
and by any ``langgraph dev`` client); the faces read models (``parse_event``). For callers
written against the dict events, an event also answers ``ev["type"]`` and ``ev.get("item_id")`` (read-only).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, TypeAdapter

ALWAYS = frozenset({"type", "text", "awaiting"})  # on every line, even when left at their defaults


class EventBase(BaseModel):
    """What every event carries: its type, a text for the learner, and whether the coach now waits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    text: str
    awaiting: bool = False

    def model_post_init(self, context: Any, /) -> None:
        """Mark the always-present fields as given, so ``wire`` writes them even at their defaults."""
        self.__pydantic_fields_set__.update(ALWAYS)

    def wire(self) -> dict[str, Any]:
        """The protocol dict: declared order, optional fields only when given."""
        return self.model_dump(exclude_unset=True)

    # Read-only mapping access, so code written for the dict events keeps working: values as on the wire.
    def __getitem__(self, key: str) -> Any:
        if key not in self.model_fields_set:
            raise KeyError(key)
        return self.model_dump(include={key})[key]

    def __contains__(self, key: object) -> bool:
        return key in self.model_fields_set

    def get(self, key: str, default: Any = None) -> Any:
        """The field's value when it was given, else ``default`` (as ``dict.get``)."""
        return self[key] if key in self.model_fields_set else default

    def keys(self) -> Iterator[str]:
        """The given fields, in protocol order (so ``{**event}`` is the wire dict)."""
        return iter(self.wire())


class Choice(BaseModel):
    """One choice of a closed question, as shown to the learner."""

    model_config = ConfigDict(frozen=True)

    key: str
    text: str


class Section(BaseModel):
    """One page of a lesson."""

    model_config = ConfigDict(frozen=True)

    title: str
    text: str


class Question(EventBase):
    """A practice question on the table; the coach waits for the answer."""

    type: Literal["question"] = "question"
    awaiting: bool = True
    objective_id: str
    item_id: str
    kind: str
    choices: list[Choice]
    difficulty: int
    number: int
    mode: str
    has_hint: bool


class Lesson(EventBase):
    """A lesson (awaiting: the learner reads it, then continues) or a re-teach after wrong answers."""

    type: Literal["lesson"] = "lesson"
    objective_id: str
    title: str
    remediation: bool = False
    sections: list[Section]
    variant: str | None = None  # full | brief | worked: how the tutor taught it (the pending lesson only)


class Feedback(EventBase):
    """The grade of an answer and where mastery stands after it."""

    type: Literal["feedback"] = "feedback"
    verdict: str
    score: int | float  # as the grader gave it (an int stays an int on the wire)
    mastery: float
    mastery_before: float
    mastered: bool
    newly_mastered: bool
    correct_answer: Any
    item_id: str
    grader: str
    confidence: float
    disputed: bool
    grader_disagreement: float | None
    status: str | None = None
    change: str | None = None
    hints: int | None = None


class Plan(EventBase):
    """The objective the planner chose, and why."""

    type: Literal["plan"] = "plan"
    objective_id: str
    mode: str
    reason: str


class Answer(EventBase):
    """The tutor's answer to a learner's question, with its curriculum sources."""

    type: Literal["answer"] = "answer"
    citations: list[Any]
    question: str


class Summary(EventBase):
    """The end of a session: what was practised and what comes next."""

    type: Literal["summary"] = "summary"
    stats: dict[str, Any]


class Notice(EventBase):
    """Anything else worth telling the learner; the optional fields say what it is about."""

    type: Literal["notice"] = "notice"
    progress: dict[str, Any] | None = None  # /progress: the learner's progress report
    hint: int | None = None  # /hint: which rung of the ladder
    note: str | None = None
    dispute: dict[str, Any] | None = None  # /dispute: the attempt now disputed
    revoked: bool | None = None  # a mastery was lost
    commands: list[str] | None = None  # /help: the commands
    resumes: str | None = None  # the event that still waits (a lesson after a question on it)
    objective_id: str | None = None
    chosen: str | None = None  # the objective the learner chose, when a prerequisite comes first


class Error(EventBase):
    """The learner's input was refused; nothing changed."""

    type: Literal["error"] = "error"


Event = Annotated[Question | Lesson | Feedback | Plan | Answer | Summary | Notice | Error, Field(discriminator="type")]
Pending = Question | Lesson  # what the coach may wait on
_EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(value: EventBase | dict[str, Any]) -> Event:
    """An event model from its wire dict (a model is returned as it is)."""
    if isinstance(value, EventBase):
        return value  # type: ignore[return-value]  # every EventBase subclass is a member of the union
    return _EVENT.validate_python(value)


def notice(text: str, *, awaiting: bool = False, **fields: Any) -> Notice:
    """A notice event."""
    return Notice(text=text, awaiting=awaiting, **fields)


def error(text: str) -> Error:
    """An error event: the input was refused and nothing changed."""
    return Error(text=text)


# -- the learner's inputs -------------------------------------------------------------------------
class InputBase(BaseModel):
    """One learner message of the protocol."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @property
    def kind(self) -> str:
        """Which message this is: answer, ask or command."""
        return next(iter(type(self).model_fields))

    @property
    def text(self) -> str:
        """The message's text."""
        return str(getattr(self, self.kind))

    def wire(self) -> dict[str, str]:
        """The protocol dict, e.g. ``{"answer": "b"}`` (also what the graph is resumed with)."""
        return {self.kind: self.text}


class AnswerInput(InputBase):
    """``{"answer": ...}``: an answer to the question on the table."""

    answer: StrictStr


class AskInput(InputBase):
    """``{"ask": ...}``: a question for the tutor."""

    ask: StrictStr


class CommandInput(InputBase):
    """``{"command": ...}``: continue, hint, skip, progress, dispute, quit or help."""

    command: StrictStr


LearnerInput = AnswerInput | AskInput | CommandInput
INPUTS: dict[str, type[InputBase]] = {"answer": AnswerInput, "ask": AskInput, "command": CommandInput}
