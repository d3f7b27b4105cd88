"""Does the curriculum answer this question? An IDF-weighted coverage score, and a short answer.

The answer is composed of whole sentences from the best passage.

BM25 always returns *something*; its raw scores do not say whether the best passage is about the
question. Coverage does: the share of the question's information (its terms weighted by inverse
document frequency, unknown terms weighing most) that the passage contains. The threshold was
calibrated on tests/data/ask/ (on-topic and off-topic questions); see bench/ask_relevance.py.
Korean questions are scored over the Korean passages with Kiwi morphemes (particles and endings
dropped), against their own threshold (tests/data/ask/ko_*.txt).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import bm25s
import Stemmer

from skillcoach.curriculum.korean import search_terms
from skillcoach.curriculum.search import Passage
from skillcoach.i18n import N_

THRESHOLD = 0.5
THRESHOLDS = {"en": THRESHOLD, "ko": 0.55}  # ko: precision 100 %, recall 94 % on tests/data/ask/ko_*
# Korean question words and request endings that carry no topic (Kiwi stems).
KOREAN_QUESTION_WORDS = frozenset({"알", "주", "알리", "설명", "궁금", "가요", "나요", "인가요", "뭔가", "되나",
                                   "적당", "좋", "방법", "차이", "다르", "나", "우리", "제", "저희", "쓰"})
MAX_SENTENCES = 3
# Question words and auxiliaries carry no topic (bm25s' English list keeps them); stemmed forms.
QUESTION_WORDS = frozenset({"how", "do", "doe", "did", "what", "whi", "which", "when", "where", "who", "whom",
                            "should", "would", "could", "can", "have", "has", "much", "mani", "i", "me", "my",
                            "we", "our", "you", "your", "tell", "explain"})
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(*_`])")


@dataclass(frozen=True)
class Scored:
    """A passage with the share of the question's information it covers."""

    passage: Passage
    relevance: float


class Relevance:
    """Term statistics of the indexed passages, for coverage scores and sentence picking."""

    def __init__(self, passages: list[Passage], lang: str = "en"):
        self._stemmer = Stemmer.Stemmer("english")
        self.lang = lang
        self.threshold = THRESHOLDS.get(lang, THRESHOLD)
        docs = self.terms([p.text for p in passages])
        self._df = Counter(t for doc in docs for t in set(doc))
        self._n = max(1, len(docs))

    def terms(self, texts: list[str]) -> list[list[str]]:
        """Stemmed content words (the same tokenizer as the BM25 index of this language)."""
        if self.lang == "ko":
            return [[t for t in search_terms(text) if t not in KOREAN_QUESTION_WORDS and t not in QUESTION_WORDS]
                    for text in texts]
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, return_ids=False, show_progress=False)
        return [[t for t in doc if t not in QUESTION_WORDS] for doc in tokens]

    def idf(self, term: str) -> float:
        """Return a term's inverse document frequency; a term no passage has weighs most."""
        return math.log((self._n + 1) / (self._df.get(term, 0) + 0.5))

    def coverage(self, question: str, text: str) -> float:
        """Share of the question's IDF weight found in ``text`` (0..1)."""
        wanted = set(self.terms([question])[0])
        if not wanted:
            return 0.0
        found = set(self.terms([text])[0])
        total = sum(self.idf(t) for t in wanted)
        return sum(self.idf(t) for t in wanted & found) / total if total > 0 else 0.0

    def rank(self, question: str, passages: list[Passage]) -> list[Scored]:
        """The passages with their coverage, best first (BM25 order breaks ties)."""
        scored = [Scored(p, round(self.coverage(question, p.text), 3)) for p in passages]
        return sorted(scored, key=lambda s: -s.relevance)

    def best_sentences(self, question: str, text: str, limit: int = MAX_SENTENCES) -> str:
        """The passage's sentences that carry the question's terms, whole and in their order."""
        sentences = split_sentences(text)
        if len(sentences) <= limit:
            return " ".join(sentences)
        scores = [self.coverage(question, s) for s in sentences]
        keep = sorted(sorted(range(len(sentences)), key=lambda n: -scores[n])[:limit])
        return " ".join(sentences[n] for n in keep)


def split_sentences(text: str) -> list[str]:
    """Whole sentences (list items count as sentences); never a cut inside one."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").strip()
        if line:
            found += [s.strip() for s in SENTENCE_END.split(line) if s.strip()]
    return found


def compose_answer(relevance: Relevance, question: str, ranked: list[Scored],
                   _: Callable[[str], str] = N_) -> str:
    """A short Markdown answer from the best passage, with its citation and where to read more (frame in ``_``)."""
    best = ranked[0].passage
    title, _sep, body = best.text.partition(": ")
    if not body or best.kind == "fact":
        title, body = best.objective_id, best.text
    lines = [f"**{title.strip()}**: {relevance.best_sentences(question, body)}",
             "_" + _("Source: {source}; objective {objective}").format(source=best.source,
                                                                        objective=best.objective_id) + "_"]
    others = sorted({s.passage.objective_id for s in ranked[1:] if s.relevance >= relevance.threshold}
                    - {best.objective_id})
    if others:
        see_also = _("See also: {objectives} ('skillcoach curriculum show ID').")
        lines.append(see_also.format(objectives=", ".join(others)))
    return "\n\n".join(lines)
