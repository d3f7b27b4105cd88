"""What agents are handed at run time (LangGraph ``context``): curriculum, store, tools, language.

``build_coach_context`` is the one place a context is made from settings: the Python API (``Coach``)
uses it, and so do the graphs served by ``langgraph dev``, where the server brings no context.
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from langchain_core.tools import BaseTool

from agents.chat_models import make_chat_model
from agents.composer import Composer, OfflineComposer
from agents.llm_composer import LLMComposer
from agents.model_budget import BudgetedModel, TurnBudget
from skillcoach.curriculum.catalog import Curriculum, load_curriculum
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.i18n import translator
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
    lang: str = "en"  # the learner's language: curriculum text, fixed strings and model prompts
    translations: gettext_module.NullTranslations = field(default_factory=gettext_module.NullTranslations)
    # Where the events of a turn go as nodes emit them (a face's collector); None: LangGraph's custom stream only.
    sink: Callable[[dict[str, Any]], None] | None = None

    def gettext(self, message: str) -> str:
        """``message`` in the learner's language (the ``_`` of agents)."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural of a message, in the learner's language."""
        return self.translations.ngettext(singular, plural, n)

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
                        clock=clock, max_answer_chars=settings.max_answer_chars, recorder=recorder, budget=budget,
                        lang=curriculum.locale, translations=translator(curriculum.locale))


def for_language(shared: CoachContext, lang: str) -> CoachContext:
    """Return the shared context speaking ``lang``.

    The curriculum in that language (same ids, so the same progress), tools over it, its message catalog,
    and a composer that writes and prompts in it.
    """
    if lang == shared.lang:
        return shared
    curriculum = shared.curriculum.localized(lang)
    tools = curriculum_tools(curriculum, shared.index) + progress_tools(curriculum, shared.store, shared.clock)
    composer = shared.composer
    if isinstance(composer, OfflineComposer):  # LLMComposer too; a custom composer is used as given
        composer = composer.for_language(lang, {t.name: t for t in tools})
    return replace(shared, curriculum=curriculum, tools={t.name: t for t in tools}, composer=composer, lang=lang,
                   translations=translator(lang))


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
