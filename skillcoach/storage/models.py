"""Tables, as SQLAlchemy 2 typed models. Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Base of every table; maps dicts and lists to JSON columns and datetimes to timezone-aware columns."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class Learner(Base):
    """A learner: name, weekly study time, goals, study days and timezone."""

    __tablename__ = "learners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    weekly_minutes: Mapped[int] = mapped_column(Integer, default=120)
    goals: Mapped[list[Any]] = mapped_column(default=list)
    days: Mapped[list[Any]] = mapped_column(default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    lang: Mapped[str | None] = mapped_column(String(8), default=None)  # None: SKILLCOACH_LANG, else the locale
    created_at: Mapped[datetime]


class CoachingSession(Base):
    """One coaching session: its learner, length, mode, status and end-of-session summary."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | finished
    mode: Mapped[str] = mapped_column(String(16), default="interactive")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tokens: Mapped[int] = mapped_column(Integer, default=0)


class Turn(Base):
    """One learner input and everything the coach did until it waited again."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    trace_id: Mapped[str] = mapped_column(String(64))
    learner_input: Mapped[dict[str, Any]] = mapped_column(default=dict)
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)  # route, tool and LLM I/O, grade
    tokens: Mapped[int] = mapped_column(Integer, default=0)
    llm_calls: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class Attempt(Base):
    """Every graded answer, written once per (session, turn) before mastery moves."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("session_id", "turn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    turn: Mapped[int] = mapped_column(Integer)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    objective_id: Mapped[str] = mapped_column(String(160))
    item_id: Mapped[str] = mapped_column(String(200))
    response: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    grader: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default="learn", server_default="learn")  # learn | review
    mastery_before: Mapped[float] = mapped_column(Float)
    mastery_after: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime]
    # grader, confidence, found/missing/violations, misconceptions, offline grade, hints used (0003)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ObjectiveState(Base):
    """The learner model for one objective (BKT), plus when it was first mastered."""

    __tablename__ = "objective_state"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    p_mastery: Mapped[float] = mapped_column(Float)
    responses: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[list[Any]] = mapped_column(default=list)
    mastered_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime]
    # 0003: provisional mastery waits for a right answer on a later day; kinds answered right;
    # items to re-ask after a misconception; lessons shown; sessions without progress.
    provisional_at: Mapped[datetime | None] = mapped_column(default=None)
    kinds: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    recheck: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    lessons: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stuck_sessions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    review_misses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LearnerMisconception(Base):
    """A misconception a learner has shown (a wrong choice's or a rubric's id), with how often (0003)."""

    __tablename__ = "learner_misconceptions"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    misconception_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(160))
    item_id: Mapped[str] = mapped_column(String(200))
    feedback: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]


class ReviewCard(Base):
    """An FSRS card per mastered objective (the card as the fsrs package serialises it)."""

    __tablename__ = "review_cards"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    objective_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    card: Mapped[dict[str, Any]] = mapped_column()
    due: Mapped[datetime] = mapped_column(index=True)


class WeeklyPlan(Base):
    """The plan made for a learner for one ISO week, with its narrative; one per learner and week."""

    __tablename__ = "weekly_plans"
    __table_args__ = (UniqueConstraint("learner_id", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    week: Mapped[str] = mapped_column(String(8))  # ISO week, 2026-W48
    plan: Mapped[dict[str, Any]] = mapped_column()
    narrative: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
