"""Process-wide settings: environment (SKILLCOACH_*, LANGFUSE_*) or explicit arguments."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from skillcoach.resources import REPO_ROOT, default_curriculum_dir, default_prompts_dir

__all__ = ["REPO_ROOT", "Settings", "default_data_dir"]


def default_data_dir() -> Path:
    """Return the default directory for the database and checkpoints: ~/.skillcoach."""
    return Path.home() / ".skillcoach"


LANGUAGES = ("en", "ko")


def default_lang() -> Literal["en", "ko"]:
    """The language of the POSIX locale (LC_ALL, LC_MESSAGES, LANG: "ko_KR.UTF-8" -> "ko"), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return "ko" if code == "ko" else "en"
    return "en"


class Settings(BaseSettings):
    """Everything a run needs to know about its surroundings; per-run values live elsewhere."""

    model_config = SettingsConfigDict(env_prefix="SKILLCOACH_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None  # default: SQLite file in data_dir
    checkpoint_url: str | None = None  # default: follows database_url
    curriculum_dir: Path = Field(default_factory=default_curriculum_dir)  # the checkout's, else the wheel's
    prompts_dir: Path = Field(default_factory=default_prompts_dir)
    # The learner-facing language (SKILLCOACH_LANG=en|ko); ``locale`` follows it unless set on its own.
    lang: Literal["en", "ko"] = Field(default_factory=default_lang)
    locale: str = "en"
    model: str = "offline"
    # Per-agent overrides, e.g. a cheaper model for the quiz (SKILLCOACH_MODEL_QUIZ=openai:gpt-4.1-nano).
    model_tutor: str | None = None
    model_quiz: str | None = None
    model_reviewer: str | None = None
    model_planner: str | None = None
    model_base_url: str | None = None  # an OpenAI-compatible endpoint (vLLM, llama.cpp, LM Studio)
    model_api_key: SecretStr | None = None
    model_timeout: float = Field(default=15.0, gt=0)  # one HTTP attempt
    model_retries: int = Field(default=1, ge=0, le=6)
    # Every model call of one learner turn shares this budget; then the turn goes on offline,
    # and the model is left alone for the cool-down (a hanging provider costs one wait, not one per call).
    model_turn_seconds: float = Field(default=18.0, gt=0, le=600)
    model_cooldown_seconds: float = Field(default=60.0, ge=0)
    prompt_label: str = "production"
    session_minutes: int = Field(default=20, ge=1, le=600)
    max_answer_chars: int = Field(default=2000, ge=100)
    mask_pii: bool = True
    # The learner model: guess rates by how items are answered, and the P(L) under which mastery is lost.
    guess_multi_select: float = Field(default=0.2, ge=0, le=0.5)
    guess_short_answer: float = Field(default=0.05, ge=0, le=0.5)
    guess_true_false: float = Field(default=0.5, ge=0, le=0.5)
    mastery_revoke_below: float = Field(default=0.8, gt=0, lt=0.95)
    # Databases (README "Concurrency"): one Postgres pool per process, shared by store and checkpointer.
    db_pool_size: int = Field(default=4, ge=1, le=1000)
    db_pool_timeout: float = Field(default=30.0, gt=0)  # seconds to wait for a free connection
    db_pool_pre_ping: bool = False  # check pooled connections before use: for remote databases
    db_connect_timeout: float = Field(default=5.0, gt=0)
    db_statement_timeout: float = Field(default=30.0, ge=0)  # seconds; 0 = no limit
    sqlite_busy_timeout: float = Field(default=30.0, gt=0)
    db_lock_retries: int = Field(default=4, ge=0, le=20)  # whole-transaction retries on "database is locked"
    session_lease_seconds: float = Field(default=30.0, ge=2)  # a session unrenewed this long may be taken over
    # The weekly batch on Celery (README "Deployment"; the skillcoach[distributed] extra).
    broker_url: str = "amqp://guest:guest@127.0.0.1:5672//"  # RabbitMQ; redis://HOST:6379/0 works too
    result_backend: str | None = None  # default: the database (db+<database_url>); redis://... works too
    broker_visibility_timeout: float = Field(default=3600.0, gt=0)  # Redis only: an unacked chunk is re-delivered
    weekly_chunk_size: int = Field(default=200, ge=1, le=10000)  # learners per Celery task
    weekly_queue: str = Field(default="skillcoach-weekly", min_length=1, max_length=200)  # the Celery queue

    langfuse_public_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("LANGFUSE_PUBLIC_KEY", "SKILLCOACH_LANGFUSE_PUBLIC_KEY")
    )
    langfuse_secret_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("LANGFUSE_SECRET_KEY", "SKILLCOACH_LANGFUSE_SECRET_KEY")
    )
    langfuse_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("LANGFUSE_BASE_URL", "LANGFUSE_HOST", "SKILLCOACH_LANGFUSE_BASE_URL"),
    )
    # Share of turns traced (head sampling by trace id; the DB records every turn's trace id regardless).
    langfuse_sample_rate: float = Field(
        default=1.0, ge=0, le=1,
        validation_alias=AliasChoices("LANGFUSE_SAMPLE_RATE", "SKILLCOACH_LANGFUSE_SAMPLE_RATE"),
    )
    env: str = Field(default="development", pattern=r"^[a-z0-9_-]{1,40}$")  # the traces' environment

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir_given(cls, value: Any) -> Any:
        # An empty SKILLCOACH_DATA_DIR would mean '.', silently creating the database in the cwd.
        if isinstance(value, str | Path) and not str(value).strip():
            raise ValueError("is empty: give a directory, or unset it to use ~/.skillcoach")
        return value

    @field_validator("database_url", "checkpoint_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError:
            raise ValueError("is not a database URL: use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB") from None
        return value

    @model_validator(mode="after")
    def _locale_follows_lang(self) -> Settings:
        if "locale" not in self.model_fields_set:
            self.locale = self.lang  # the curriculum language agents and tools get
        return self

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL: the configured one, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'skillcoach.db'}"

    @property
    def resolved_checkpoint_url(self) -> str:
        """Return the checkpoint URL: the configured one, else the Postgres database, else a SQLite file beside it."""
        if self.checkpoint_url:
            return self.checkpoint_url
        if self.database_url and not self.database_url.startswith("sqlite"):
            return self.database_url
        return f"sqlite:///{self.data_dir / 'checkpoints.db'}"

    def model_for(self, agent: str) -> str:
        """The model spec an agent uses: its own override, else the global one."""
        return getattr(self, f"model_{agent}", None) or self.model

    @property
    def tracing_enabled(self) -> bool:
        """Tell whether both Langfuse keys are set, which turns tracing on."""
        return bool(self.langfuse_public_key and self.langfuse_secret_key)
