"""The language seam backed by chat models. Every call falls back to the offline composer.

Per learner turn at most one call is made on average: lessons, remediation, answers
to questions (a tool-calling exchange), short-answer judgements and variants of
items the learner has seen. Feedback on closed items and summaries stay offline.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping
from typing import Any, Literal, cast

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from pydantic import BaseModel, Field, ValidationError

from agents.composer import OfflineComposer, UseTool
from skillcoach.curriculum.citations import cite, fact_text
from skillcoach.curriculum.models import Item, ItemKind, Objective, answer_problem
from skillcoach.grading.answers import Grade, Verdict
from skillcoach.grading.grounding import UNGROUNDED_NOTE, is_grounded
from skillcoach.grading.normalise import normalise_text
from skillcoach.i18n import language_name
from skillcoach.llm.prompts import PromptSource
from skillcoach.tracing.recording import TurnRecorder

log = logging.getLogger("agents.chat_models")
TUTOR_TOOLS = ("search_curriculum", "get_objective")


class JudgeVerdict(BaseModel):
    """The judge's structured output for one short answer."""

    verdict: Literal["correct", "partial", "wrong"]
    score: float = Field(ge=0, le=1)
    missing_points: list[str] = Field(default_factory=list)
    feedback: str


class LLMComposer(OfflineComposer):
    """A composer that writes with the configured chat models, falling back to the offline composer on any failure.

    Args:
        models: chat models by agent name (tutor, quiz, reviewer); an agent without one writes offline.
        prompts: where prompts come from (local files or Langfuse).
        recorder: where LLM calls are recorded; ``for_turn`` gives a copy recording into a turn's.
        tools: the curriculum tools the tutor model may call, by name.
    """

    name = "llm"

    def __init__(self, models: dict[str, Any], prompts: PromptSource, recorder: TurnRecorder,
                 tools: dict[str, Any]):
        self.models, self.prompts, self.recorder, self.tools = models, prompts, recorder, tools

    def for_turn(self, recorder: TurnRecorder) -> LLMComposer:
        """A shallow copy that records into ``recorder``: models and prompts stay shared, the record is the turn's."""
        bound = copy.copy(self)
        bound.recorder = recorder
        return bound

    # -- calls ------------------------------------------------------------------
    def for_language(self, lang: str, tools: dict[str, Any] | None = None) -> LLMComposer:
        """A copy that writes, and asks its models to write, in ``lang``, calling ``tools`` over that language."""
        bound = cast(LLMComposer, super().for_language(lang, tools))
        if tools is not None:
            bound.tools = dict(tools)
        return bound

    def _messages(self, prompt_name: str, **values: Any) -> tuple[list[dict[str, str]], dict[str, Any]]:
        prompt = self.prompts.get(prompt_name)
        metadata = {"prompt": prompt_name, "prompt_version": prompt.version, "lang": self.lang}
        if prompt.source is not None:
            metadata["langfuse_prompt"] = prompt.source  # links the generation to the prompt version
        messages = prompt.compile(**values, language=language_name(self.lang))
        if "language" not in prompt.variables():  # a prompt kept elsewhere (Langfuse) from before the placeholder
            # before the last message, which callers and tests read as the item/answer it carries
            line = f"Write everything the learner reads in {language_name(self.lang)}."
            messages.insert(max(0, len(messages) - 1), {"role": "user", "content": line})
        return messages, metadata

    def _invoke(self, agent: str, model: Any, messages: list[Any], metadata: dict[str, Any]) -> AIMessage:
        reply: AIMessage = model.invoke(messages, config={"metadata": metadata, "run_name": f"{agent}-llm"})
        usage = getattr(reply, "usage_metadata", None) or {}
        self.recorder.llm_call(agent, _plain(messages), _plain([reply])[0], tokens=int(usage.get("total_tokens", 0)),
                               model=str(getattr(model, "model_name", "") or getattr(model, "model", "")))
        return reply

    def _text(self, agent: str, prompt_name: str, **values: Any) -> str | None:
        model = self.models.get(agent)
        if model is None:
            return None
        try:
            messages, metadata = self._messages(prompt_name, **values)
            reply = self._invoke(agent, model, messages, metadata)
        except Exception as exc:  # noqa: BLE001 - provider errors of every kind end in the offline text
            log.warning("%s: model call failed (%s); offline text used", agent, type(exc).__name__)
            return None
        text = reply.content if isinstance(reply.content, str) else ""
        return text.strip() or None

    # -- tutor ------------------------------------------------------------------
    def lesson(self, objective: Objective, reason: str) -> str:
        """Write the lesson with the tutor model from the objective's material, or the offline lesson."""
        text = self._text("tutor", "tutor_lesson", title=objective.title, reason=reason, mistakes="none yet",
                          material=objective_material(objective))
        return text or super().lesson(objective, reason)

    def remediation(self, objective: Objective, item: Item | None, grade: dict[str, Any] | None) -> str:
        """Re-teach with the tutor model, naming what the learner got wrong, or the offline remediation."""
        mistakes = f"answered '{item.prompt}' wrongly" if item else "two wrong answers in a row"
        text = self._text("tutor", "tutor_lesson", title=objective.title, reason="re-teach after wrong answers",
                          mistakes=mistakes, material=objective_material(objective))
        return text or super().remediation(objective, item, grade)

    def answer_question(self, question: str, objective_id: str | None,
                        use_tool: UseTool) -> tuple[str, list[dict[str, str]]]:
        """Answer with the tutor model calling the curriculum tools; the offline answer if it fails or is ungrounded."""
        model = self.models.get("tutor")
        if model is None:
            return super().answer_question(question, objective_id, use_tool)
        try:
            text, cited = self._answer_with_tools(model, question, objective_id or "none", use_tool)
        except Exception as exc:  # noqa: BLE001 - malformed tool calls or provider errors
            log.warning("tutor: tool-calling answer failed (%s); offline answer used", type(exc).__name__)
            return super().answer_question(question, objective_id, use_tool)
        if is_grounded(text, self._cited_material(cited)):
            return text, cited
        log.info("tutor: model answer not grounded in the cited passages; offline answer shown")
        offline, found = super().answer_question(question, objective_id, use_tool)
        return f"{UNGROUNDED_NOTE}\n\n{offline}", found

    def _answer_with_tools(self, model: Any, question: str, objective: str,
                           use_tool: UseTool) -> tuple[str, list[dict[str, str]]]:
        messages, metadata = self._messages("tutor_answer", question=learner_json(question), objective=objective)
        bound = model.bind_tools([self.tools[name] for name in TUTOR_TOOLS])
        history: list[Any] = list(messages)
        reply = self._invoke("tutor", bound, history, metadata)
        cited: list[dict[str, str]] = []
        if reply.tool_calls:
            history.append(reply)
            for call in reply.tool_calls:
                result = run_tool_call(call, use_tool)
                if call["name"] == "search_curriculum" and isinstance(result, list):
                    cited += result
                history.append(ToolMessage(json.dumps(result, default=str), tool_call_id=call["id"]))
            reply = self._invoke("tutor", model, history, metadata)
        text = reply.content if isinstance(reply.content, str) else ""
        if not text.strip():
            raise ValueError("empty answer")
        return text.strip(), cited

    def _cited_material(self, cited: list[dict[str, str]]) -> list[str]:
        """The cited passages and the objectives they come from: what a grounded answer may draw on."""
        texts = [str(p.get("text", "")) for p in cited]
        reader = self.tools.get("get_objective")
        for oid in dict.fromkeys(str(p.get("objective_id", "")) for p in cited if p.get("objective_id")):
            if reader is not None:  # read directly: a check, not a tool call of the tutor's
                texts.append(json.dumps(reader.invoke({"objective_id": oid}), ensure_ascii=False))
        return texts

    # -- reviewer ---------------------------------------------------------------
    def judge(self, item: Item, answer: str) -> Grade | None:
        """Grade a short answer with the reviewer model against its rubric; None leaves it to the rubric."""
        model = self.models.get("reviewer")
        if model is None or item.rubric is None:
            return None
        messages, metadata = self._messages("reviewer_judge", question=item.prompt, reference=str(item.answer),
                                            rubric=rubric_text(item), answer=learner_json(answer))
        structured = model.with_structured_output(JudgeVerdict, include_raw=True)
        for attempt in range(2):  # one repair attempt, then the rubric decides
            try:
                out = structured.invoke(messages, config={"metadata": metadata, "run_name": "reviewer-llm"})
            except Exception as exc:  # noqa: BLE001
                log.warning("reviewer: judge call failed (%s); rubric used", type(exc).__name__)
                return None
            self._record_structured("reviewer", messages, out)
            verdict = out.get("parsed")
            if isinstance(verdict, JudgeVerdict):
                return judged_grade(item, verdict)
            messages = [*messages, {"role": "user", "content": "Your last reply did not match the required "
                                    f"structure ({out.get('parsing_error')}). Reply again, in the structure only."}]
            log.info("reviewer: invalid structured output, attempt %d", attempt + 1)
        return None

    def _record_structured(self, agent: str, messages: list[Any], out: dict[str, Any]) -> None:
        raw = out.get("raw")
        usage = getattr(raw, "usage_metadata", None) or {}
        self.recorder.llm_call(agent, _plain(messages), _plain([raw])[0] if raw is not None else None,
                               tokens=int(usage.get("total_tokens", 0)))

    # -- quiz -------------------------------------------------------------------
    def variant(self, item: Item, objective: Objective) -> Item | None:
        """Ask the quiz model for a checked variant of the item; None keeps the bank item."""
        model = self.models.get("quiz")
        if model is None:
            return None
        shown = item.model_dump(mode="json", exclude_none=True)
        messages, metadata = self._messages("quiz_variant", objective=objective.title,
                                            item=json.dumps(shown, ensure_ascii=False))
        try:
            out = model.with_structured_output(ItemVariant, include_raw=True).invoke(
                messages, config={"metadata": metadata, "run_name": "quiz-llm"})
        except Exception as exc:  # noqa: BLE001
            log.warning("quiz: variant call failed (%s); bank item used", type(exc).__name__)
            return None
        self._record_structured("quiz", messages, out)
        return checked_variant(item, out.get("parsed"))


class ItemVariant(BaseModel):
    """What the quiz model returns: the variant's text; the checks below decide if it is usable."""

    prompt: str
    choices: list[dict[str, str | None]] = Field(default_factory=list)
    answer: str | bool | list[str]
    explanation: str
    wrong_feedback: str | None = None


def checked_variant(item: Item, proposed: ItemVariant | None) -> Item | None:
    """The variant as an Item of the same id, kind and rubric, or None when it fails any check."""
    if proposed is None:
        return None
    data = item.model_dump(mode="json")
    data.update(prompt=proposed.prompt, choices=proposed.choices, answer=proposed.answer,
                explanation=proposed.explanation, wrong_feedback=proposed.wrong_feedback)
    if item.kind is ItemKind.SHORT_ANSWER:
        data["answer"] = item.answer  # a rubric-graded item keeps its reference answer
    try:
        variant = Item.model_validate(data)
    except ValidationError:
        return None
    return variant if answer_problem(variant) is None else None


def judged_grade(item: Item, verdict: JudgeVerdict) -> Grade:
    """Turn the model judge's verdict into a Grade credited to the LLM judge."""
    return Grade(Verdict(verdict.verdict), round(verdict.score, 2), verdict.feedback, str(item.answer),
                 "llm-judge", missing=list(verdict.missing_points))


def learner_json(text: str) -> str:
    """Learner text as a JSON string literal, safe to put in a prompt.

    Normalised, quotes and control characters escaped, and angle brackets escaped too, so it cannot
    close its delimiter or open a fake tag in the prompt.
    """
    encoded = json.dumps(normalise_text(text), ensure_ascii=False)
    return encoded.replace("<", "\\u003c").replace(">", "\\u003e")


def run_tool_call(call: Mapping[str, Any], use_tool: UseTool) -> Any:
    """Run a tool call the tutor model made; ValueError if it names a tool the tutor may not use."""
    if call["name"] not in TUTOR_TOOLS:
        raise ValueError(f"unknown tool {call['name']!r}")
    return use_tool(call["name"], dict(call.get("args") or {}))


def objective_material(objective: Objective) -> str:
    """Write an objective's lesson material for a prompt: explanation, key points, example and cited facts."""
    facts = "\n".join(f"- {fact_text(f)} ({cite(f.source)})" for f in objective.facts)
    points = "\n".join(f"- {p}" for p in objective.key_points)
    return (f"{objective.explanation.strip()}\n\nKey points:\n{points}\n\nExample:\n{objective.example.strip()}"
            f"\n\nReported facts:\n{facts or '- none'}")


def rubric_text(item: Item) -> str:
    """Write a short-answer rubric for the judge prompt: the required ideas and the misconceptions."""
    assert item.rubric is not None
    lines = [f"- required: {g.name} (e.g. {', '.join(g.any[:4])})" for g in item.rubric.required]
    lines += [f"- misconception: {m.feedback}" for m in item.rubric.forbidden]
    return "\n".join(lines)


def _plain(messages: list[Any]) -> list[Any]:
    out = []
    for m in messages:
        if isinstance(m, BaseMessage):
            out.append({"role": m.type, "content": m.content, "tool_calls": getattr(m, "tool_calls", None) or None})
        else:
            out.append(m)
    return out
