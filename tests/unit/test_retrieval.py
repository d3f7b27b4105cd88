"""Retrieval quality: questions of our own whose answers sit in known objectives."""

from __future__ import annotations

import pytest

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.search import CurriculumIndex
from tests.conftest import CURRICULUM

QUESTIONS = {
    "How do I give the model examples of the output I want?": "prompt-engineering/few-shot-and-reasoning",
    "What parts should a well structured prompt have?": "prompt-engineering/structured-prompts",
    "How should prompts be versioned and tested in production?": "prompt-engineering/prompts-as-code",
    "Should I choose Zapier, Make or n8n?": "workflow-automation/choosing-a-platform",
    "What is a trigger and an action in an automation?": "workflow-automation/triggers-and-actions",
    "How do I handle errors and human review in an automated workflow?": "workflow-automation/ai-steps-and-errors",
    "When should I pick LangGraph instead of CrewAI?": "ai-agents/frameworks",
    "What is agent-washing?": "ai-agents/production-reality",
    "What makes an agent different from a chatbot: planning, tools and memory?": "ai-agents/agent-loop",
    "Why do language models hallucinate and how does retrieval help?": "rag/why-rag",
    "How big should my chunks be and what does reranking do?": "rag/pipeline",
    "What is agentic RAG?": "rag/agentic-rag",
    "When is fine-tuning better than prompting or RAG?": "fine-tuning/when-to-fine-tune",
    "What is LoRA?": "fine-tuning/methods-and-data",
    "How do custom GPTs and Gemini Gems work?": "fine-tuning/custom-gpts",
    "What does natively multimodal mean?": "multimodal/what-is-multimodal",
    "Which AI video generator is best: Sora, Runway or Veo?": "video-generation/tools",
    "How risky are deepfakes made with video generation?": "video-generation/production-and-ethics",
    "How many tools should my first AI tool stack have?": "tool-stacking/stack-design",
    "What is wrong with vibe checks for evaluating LLM output?": "llm-evaluation/beyond-vibe-checks",
    "What are Helicone and PromptLayer used for?": "llm-evaluation/observability-tools",
    "What is the lethal trifecta?": "ai-security/prompt-injection",
    "What is data poisoning and how does red-teaming help?": "ai-security/threats-and-red-teaming",
    "When do EU AI Act obligations apply to general-purpose models?": "ai-security/regulation",
    "What is test-time compute?": "reasoning-models/test-time-compute",
    "Can small language models run on a phone?": "reasoning-models/small-on-device",
    "How is an AI engineer different from an ML engineer?": "ai-engineer/the-role",
    "How do gateways and caching reduce inference cost?": "ai-infrastructure/inference-cost-latency",
    "Should we self-host open-weight models or use an API?": "ai-infrastructure/deployment-choices",
    "How many GPT-4 class models are there now?": "ai-engineer/model-landscape",
    "What is Physical AI and what opening does Korea have?": "ai-engineer/korea-opportunity",
}
MIN_TOP3_HIT_RATE = 0.85


@pytest.fixture(scope="module")
def index() -> CurriculumIndex:
    return CurriculumIndex(load_curriculum(CURRICULUM))


def test_top3_hit_rate(index: CurriculumIndex, capsys: pytest.CaptureFixture[str]) -> None:
    misses = {q: [p.objective_id for p in index.search(q, k=3)] for q in QUESTIONS}
    misses = {q: got for q, got in misses.items() if QUESTIONS[q] not in got}
    rate = 1 - len(misses) / len(QUESTIONS)
    with capsys.disabled():
        print(f"\nretrieval top-3 hit rate: {rate:.0%} over {len(QUESTIONS)} questions")
    assert rate >= MIN_TOP3_HIT_RATE, misses


def test_every_passage_is_citable(index: CurriculumIndex) -> None:
    for passage in index.passages:
        citation = passage.citation()
        assert set(citation) == {"skill_id", "objective_id", "source", "text",
                                 "source_title", "source_title_en", "source_date", "heading"}
        assert citation["source"] and citation["text"] and citation["source_title"] and citation["heading"]
        assert ".txt" not in citation["source"], citation["source"]


def test_gibberish_and_other_languages_do_not_crash(index: CurriculumIndex) -> None:
    assert index.search("zzqx vvbn", k=3) == []
    assert isinstance(index.search("에이전트는 무엇인가요?", k=3), list)
    assert index.search("   ", k=3) == []
