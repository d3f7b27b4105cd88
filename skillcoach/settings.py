"""Process-wide settings: environment (SKILLCOACH_*, LANGFUSE_*) or explicit arguments."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    return Path.home() / ".skillcoach"


LANGUAGES = ("en", "ko")


def default_lang() -> str:
    """The language of the POSIX locale (LC_ALL, LC_MESSAGES, LANG: "ko_KR.UTF-8" -> "ko"), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


class Settings(BaseSettings):
    """Everything a run needs to know about its surroundings; per-run values live elsewhere."""

    model_config = SettingsConfigDict(env_prefix="SKILLCOACH_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None  # default: SQLite file in data_dir
    checkpoint_url: str | None = None  # default: follows database_url
    curriculum_dir: Path = REPO_ROOT / "config" / "curriculum"
    prompts_dir: Path = REPO_ROOT / "prompts"
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
    model_timeout: float = Field(default=30.0, gt=0)
    model_retries: int = Field(default=2, ge=0, le=6)
    prompt_label: str = "production"
    session_minutes: int = Field(default=20, ge=1, le=600)
    max_answer_chars: int = Field(default=2000, ge=100)
    mask_pii: bool = True

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

    @model_validator(mode="after")
    def _locale_follows_lang(self) -> Settings:
        if "locale" not in self.model_fields_set:
            self.locale = self.lang  # the curriculum language agents and tools get
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'skillcoach.db'}"

    @property
    def resolved_checkpoint_url(self) -> str:
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
        return bool(self.langfuse_public_key and self.langfuse_secret_key)
