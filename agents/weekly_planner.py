"""The weekly planner agent: plans a learner's week through the ``plan_week`` tool, then narrates it.

The plan is decided by plain code behind the tool; the narrative is language, written by the
``narrative`` callable in the run context: ``offline_narrative`` (a template) by default, a
model-backed writer when one is configured. Nothing is stored here: the batch writes the result.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime

from agents.chat_models import make_chat_model
from skillcoach.curriculum.catalog import Curriculum, load_curriculum
from skillcoach.i18n import SOURCE_LANG, format_day, language_name, translator
from skillcoach.learner.mastery import learner_model
from skillcoach.llm.prompts import LocalPrompts, PromptSource
from skillcoach.settings import Settings
from skillcoach.storage.store import Store
from tools.plans import plan_tools

Narrative = Callable[[dict[str, Any]], str]
log = logging.getLogger("agents.chat_models")
MAX_PLAN_CHARS = 4000


class WeeklyInput(TypedDict):
    """What starts a weekly run."""

    learner_id: str
    week: str  # ISO week, 2026-W48


class WeeklyState(WeeklyInput, total=False):
    """The weekly graph's state: the input, then the plan and its narrative as the nodes add them."""

    plan: dict[str, Any]  # the plan document (see skillcoach.planning.weekly)
    narrative: str  # a few sentences for the learner about the week


@dataclass
class WeeklyContext:
    """The weekly graph's run context: the planning tool and the narrative writer."""

    tools: dict[str, BaseTool]
    narrative: Narrative

    def use_tool(self, name: str, args: dict[str, Any]) -> Any:
        """Through the LangChain tool interface (the node's config, so the trace, reaches it by itself)."""
        return self.tools[name].invoke(args)


def plan_week(state: WeeklyState, runtime: Runtime[WeeklyContext]) -> dict[str, Any]:
    """Make the learner's plan for the week with the planning tool."""
    plan = runtime.context.use_tool("plan_week", {"learner_id": state["learner_id"], "week": state["week"]})
    return {"plan": plan}


def narrate(state: WeeklyState, runtime: Runtime[WeeklyContext]) -> dict[str, Any]:
    """Write the few sentences that present the plan to the learner."""
    return {"narrative": runtime.context.narrative(state["plan"])}


def offline_narrative(plan: dict[str, Any]) -> str:
    """A short summary of the week from the plan alone (no model, no network), in the plan's language."""
    lang = plan.get("lang") or SOURCE_LANG
    _ = translator(lang).gettext
    totals, blocks = plan["totals"], plan["blocks"]
    days = sorted({b["day"] for b in blocks})
    over = _("Your week {week}: {minutes} of {budget} minutes over {days} day ({names}).") if len(days) == 1 else \
        _("Your week {week}: {minutes} of {budget} minutes over {days} days ({names}).")
    lines = [over.format(week=plan["week"], minutes=totals["minutes"], budget=plan["budget_minutes"], days=len(days),
                         names=", ".join(_weekday(d, lang) for d in days))]
    if totals["review_blocks"]:
        reviews = _("{n} reviews ({minutes} min) keep what you have mastered fresh.") if totals["review_blocks"] > 1 \
            else _("{n} review ({minutes} min) keep what you have mastered fresh.")
        lines.append(reviews.format(n=totals["review_blocks"], minutes=totals["review_minutes"]))
    learning = [b for b in blocks if b["kind"] == "learn"]
    if learning:
        first = learning[0]
        new = (_("{n} new objectives ({minutes} min), starting with \"{title}\" on {day} at {start}.")
               if len(learning) > 1
               else _("{n} new objective ({minutes} min), starting with \"{title}\" on {day} at {start}."))
        lines.append(new.format(n=len(learning), minutes=totals["learn_minutes"], title=first["title"],
                                day=_weekday(first["day"], lang), start=first["start"]))
    if plan.get("goals"):
        lines.append(_("All of it leads toward your goals: {goals}.").format(goals=", ".join(plan["goals"])))
    return " ".join(lines)


def _weekday(iso_day: str, lang: str = SOURCE_LANG) -> str:
    return format_day(date.fromisoformat(iso_day), "weekday", lang)


def model_narrative(model: Any, prompts: PromptSource, fallback: Narrative = offline_narrative) -> Narrative:
    """A narrative written by ``model`` from prompts/planner_narrative.md; the template on any failure."""
    def write(plan: dict[str, Any]) -> str:
        try:
            messages = prompts.get("planner_narrative").compile(
                learner=plan.get("learner_id", "the learner"), week=plan["week"],
                plan=json.dumps(plan, ensure_ascii=False, default=str)[:MAX_PLAN_CHARS],
                language=language_name(plan.get("lang") or "en"))
            reply = model.invoke(messages, config={"run_name": "planner-llm"})
        except Exception as exc:  # noqa: BLE001 - any provider failure falls back to the template
            log.warning("planner: narrative call failed (%s); template used", type(exc).__name__)
            return fallback(plan)
        text = reply.content.strip() if isinstance(reply.content, str) else ""
        return text or fallback(plan)
    return write


def default_narrative(settings: Settings) -> Narrative:
    """The template offline; the planner's model (prompts/planner_narrative.md) when one is configured."""
    model = make_chat_model(settings.model_for("planner"), settings)
    return offline_narrative if model is None else model_narrative(model, LocalPrompts(settings.prompts_dir))


def build_weekly_context(settings: Settings, *, curriculum: Curriculum | None = None, store: Store | None = None,
                         narrative: Narrative | None = None,
                         clock: Callable[[], datetime] | None = None) -> WeeklyContext:
    """The weekly graph's context from ``settings`` (the batch passes the curriculum and store it already has)."""
    curriculum = curriculum or load_curriculum(settings.curriculum_dir, settings.locale)
    store = store or Store(settings.resolved_database_url, learner_model(settings))
    tools = plan_tools(curriculum, store, clock=clock)
    return WeeklyContext(tools={t.name: t for t in tools}, narrative=narrative or default_narrative(settings))
