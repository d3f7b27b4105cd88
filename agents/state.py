"""The coach graph's state: what every agent reads and writes. Graphs wire it; agents fill it.

Lives with the agents (not in graphs/) because the agents below the graph layer
read and return it; the graph imports it from here.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

Event = dict[str, Any]
Outcome = Literal["graded", "skipped", "continue", "ask", "quit", "wait"]


class CoachInput(TypedDict):
    """What starts a session."""

    learner_id: str
    session_id: str
    minutes: int
    chosen: NotRequired[str | None]  # the objective the learner chose to study ("start this block"), if any


class CoachState(CoachInput, total=False):
    """Everything the routers decide on. No defaults: LangGraph ignores TypedDict defaults."""

    spent: float  # estimated minutes of study so far
    turn: int  # learner inputs consumed so far (an attempt is keyed by session + turn)
    objective_id: str | None  # the objective being studied or reviewed; None when none is left
    mode: Literal["learn", "review"]
    reason: str  # why the planner chose the objective, shown with the lesson
    worked: list[str]  # objectives taken up in this session, in order
    item_id: str | None  # the question on the table (a bank item id)
    variant: dict[str, Any] | None  # a model-written variant of that item, validated; None for the bank item
    asked: list[str]  # items asked on the current objective
    items_left: int  # items of the current objective not asked yet
    questions: int  # questions answered or skipped on the current objective
    wrong_streak: int  # consecutive wrong answers on the current objective
    pending: Event | None  # the lesson or question awaiting the learner
    inbox: dict[str, str] | None  # the learner's last input: answer | ask | command
    outcome: Outcome  # what the reviewer made of that input
    last: dict[str, Any] | None  # the last grade: verdict, score, mastery, mastered, newly_mastered
    stats: dict[str, Any]  # running counts for the summary
    review_spent: float  # estimated minutes of reviews so far (capped at a share of the session)
    question_cap: int  # questions on the current objective before moving on (fewer after a re-teach)
    hints: int  # hints given on the question on the table
    activity: str  # lesson | worked: how the tutor teaches the current objective
    started: dict[str, float]  # P(L) of each objective learned this session when it was taken up
    finished: bool
