"""What agents are handed at run time (LangGraph ``context``): curriculum, store, tools, language.

``build_coach_context`` is the one place a context is made from settings: the Python API (``Coach``)
uses it, and so do the graphs served by ``langgraph dev``, where the server brings no context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from langchain_core.tools import BaseTool

from agents.chat_models import make_chat_model
from agents.composer import Composer, OfflineComposer
from agents.llm_composer import LLMComposer
from agents.model_budget import BudgetedModel, TurnBudget
from skillcoach.curriculum.catalog import Curriculum, load_curriculum
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.learner.mastery import learner_model
from skillcoach.learner.review import utcnow
from skillcoach.llm.langfuse_prompts import LangfusePrompts
from skillcoach.llm.prompts import LocalPrompts
from skillcoach.settings import Settings
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.store import Store
from skillcoach.tracing.recording import TurnRecorder
from skillcoach.tracing.tracer import Tracer
from tools import curriculum_tools, progress_tools

AGENTS = ("tutor", "quiz", "reviewer", "planner")


@dataclass
class CoachContext:
    """The coach graph's run context: what every node may use, none of it chosen by a model."""

    curriculum: Curriculum
    store: Store
    index: CurriculumIndex
    tools: dict[str, BaseTool]
    composer: Composer
    clock: Callable[[], datetime]
    max_answer_chars: int = 2000
    recorder: TurnRecorder = field(default_factory=TurnRecorder)
    budget: TurnBudget = field(default_factory=lambda: TurnBudget(60.0, 0.0, TurnRecorder()))

    def use_tool(self, name: str, args: dict[str, Any]) -> Any:
        """Call a tool through the LangChain tool interface and record its I/O.

        Inside a node the run's config (callbacks, so the trace) reaches the tool by itself:
        LangChain carries it in a context variable.
        """
        result = self.tools[name].invoke(args)
        self.recorder.tool(name, args, result)
        return result


def build_coach_context(settings: Settings, *, clock: Callable[[], datetime] = utcnow,
                        tracer: Tracer | None = None, composer: Composer | None = None,
                        models: dict[str, Any] | None = None, options: DatabaseOptions | None = None) -> CoachContext:
    """Curriculum, store, tools and composer from ``settings``; ``composer``/``models`` override them."""
    curriculum = load_curriculum(settings.curriculum_dir, settings.locale)
    store = Store(settings.resolved_database_url, learner_model(settings),
                  options or DatabaseOptions.from_settings(settings))
    index = CurriculumIndex(curriculum)
    tools = curriculum_tools(curriculum, index) + progress_tools(curriculum, store, clock)
    by_name = {t.name: t for t in tools}
    recorder = TurnRecorder()
    budget = TurnBudget(settings.model_turn_seconds, settings.model_cooldown_seconds, recorder)
    return CoachContext(curriculum=curriculum, store=store, index=index, tools=by_name,
                        composer=composer or make_composer(settings, tracer, recorder, by_name, models, budget),
                        clock=clock, max_answer_chars=settings.max_answer_chars, recorder=recorder, budget=budget)


def make_composer(settings: Settings, tracer: Tracer | None, recorder: TurnRecorder, tools: dict[str, BaseTool],
                  models: dict[str, Any] | None = None, budget: TurnBudget | None = None) -> Composer:
    """Offline unless a model is configured for some agent; prompts from Langfuse when traced."""
    if models is None:
        models = {agent: make_chat_model(settings.model_for(agent), settings) for agent in AGENTS}
    if not any(models.values()):
        return OfflineComposer()
    if budget is not None:  # every model call of a turn shares one deadline
        models = {agent: model and BudgetedModel(model, budget, agent) for agent, model in models.items()}
    client = getattr(tracer, "client", None)
    prompts = (LangfusePrompts(client, settings.prompts_dir, settings.prompt_label) if client is not None
               else LocalPrompts(settings.prompts_dir))
    return LLMComposer(models, prompts, recorder, dict(tools))
