"""BM25 search over curriculum passages (bm25s), for the tutor's tool and ``skillcoach ask``."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.citations import citation_style, cite, cite_all, cite_fields, fact_text
from skillcoach.curriculum.korean import has_hangul, search_terms
from skillcoach.curriculum.loader import CurriculumError
from skillcoach.curriculum.models import Objective, SourceRef

MIN_SCORE = 0.05


@dataclass(frozen=True)
class Passage:
    """One searchable piece of an objective (explanation, key point, fact or example) with its citation."""

    skill_id: str
    objective_id: str
    kind: str  # explanation | key_point | fact | example
    source: str  # the readable citation(s): title, date, heading
    text: str
    # Structured citation fields ("; "-joined when a passage draws on several sources).
    source_title: str = ""
    source_title_en: str = ""
    source_date: str = ""
    heading: str = ""

    def citation(self) -> dict[str, str]:
        """Return the passage as a citation for a face or tool result: every field but its kind."""
        data = asdict(self)
        data.pop("kind")
        return data


def _fields(refs: list[SourceRef]) -> dict[str, str]:
    rows = [cite_fields(r) for r in refs]
    return {key: "; ".join(dict.fromkeys(row[key] for row in rows)) for key in rows[0]} if rows else {}


def passages_of(objective: Objective) -> list[Passage]:
    """Cut an objective into retrievable passages, each with a citable source."""
    skill, oid = objective.skill_id, objective.id
    style = citation_style(_locale_of(objective))  # a Korean passage cites its source in Korean
    home, home_fields = cite_all(objective.sources, style), _fields(list(objective.sources))
    found: list[Passage] = []
    for para in (p.strip() for p in objective.explanation.split("\n\n")):
        if len(para.split()) >= 8:
            found.append(Passage(skill, oid, "explanation", home, f"{objective.title}: {para}", **home_fields))
    found += [Passage(skill, oid, "key_point", home, f"{objective.title}: {kp}", **home_fields)
              for kp in objective.key_points]
    found += [Passage(skill, oid, "fact", cite(f.source, style), fact_text(f), **cite_fields(f.source))
              for f in objective.facts]
    example = EXAMPLE_LABEL.get(_locale_of(objective), "Example")
    found.append(Passage(skill, oid, "example", home, f"{example} ({objective.title}): {objective.example.strip()}",
                         **home_fields))
    return found


EXAMPLE_LABEL = {"en": "Example", "ko": "예시"}


def _locale_of(objective: Objective) -> str:
    return "ko" if has_hangul(objective.title + objective.explanation[:200]) else "en"


def query_language(query: str) -> str:
    """The language a query is asked in: Korean when it has any Hangul ("C2PA가 뭔가요?"), else English."""
    return "ko" if has_hangul(query) else "en"


class CurriculumIndex:
    """BM25 over every passage of a curriculum, one index per language, chosen by the query's language.

    A Korean question searches the Korean passages (Kiwi morphemes), an English one the English
    passages (Snowball stems); the other language's index is built on its first query.
    """

    def __init__(self, curriculum: Curriculum):
        self._curriculum = curriculum
        self._by_lang: dict[str, _LanguageIndex] = {curriculum.locale: _LanguageIndex(curriculum)}
        self.passages = self._by_lang[curriculum.locale].passages

    def for_language(self, lang: str) -> _LanguageIndex:
        """The index of ``lang``'s passages (this curriculum's own language when there is no translation)."""
        if lang not in self._by_lang:
            try:
                self._by_lang[lang] = _LanguageIndex(self._curriculum.localized(lang))
            except (ValueError, CurriculumError):  # no translation to load: search what there is
                self._by_lang[lang] = self._by_lang[self._curriculum.locale]
        return self._by_lang[lang]

    def search(self, query: str, k: int = 3, objective_id: str | None = None) -> list[Passage]:
        """The best ``k`` passages for ``query`` in its own language (fewer when little matches)."""
        return self.for_language(query_language(query)).search(query, k, objective_id)


class _LanguageIndex:
    """A BM25 index over the passages of one language."""

    def __init__(self, curriculum: Curriculum):
        self.passages = [p for o in curriculum.objectives.values() for p in passages_of(o)]
        self._korean = curriculum.locale == "ko"
        self._lock = threading.RLock()  # PyStemmer objects are not thread-safe; one Coach serves many sessions
        self._stemmer: Any = None
        self._bm25: Any = None  # built on the first search: a session that never asks never pays for it

    def _index(self) -> Any:
        with self._lock:
            if self._bm25 is None:
                import bm25s  # here, not at import: bm25s and its index are a tenth of the coach's start-up
                import Stemmer

                self._stemmer = Stemmer.Stemmer("english")
                bm25 = bm25s.BM25()
                bm25.index(self._tokens([p.text for p in self.passages]), show_progress=False)
                self._bm25 = bm25
            return self._bm25

    def _tokens(self, texts: list[str]) -> list[list[str]]:
        if self._korean:
            return [search_terms(text) for text in texts]
        import bm25s  # already loaded by _index, which runs before any tokenizing

        with self._lock:
            tokens = bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, return_ids=False,
                                    show_progress=False)
        return [list(t) for t in tokens]

    def search(self, query: str, k: int = 3, objective_id: str | None = None) -> list[Passage]:
        """The best ``k`` passages for ``query`` (fewer when little matches)."""
        bm25 = self._index()
        terms = self._tokens([query])[0]
        if not terms or not self.passages:
            return []
        n = len(self.passages)
        with self._lock:
            docs, scores = bm25.retrieve([terms], k=n if objective_id else min(k, n), show_progress=False)
        hits = [self.passages[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > MIN_SCORE]
        if objective_id:
            hits = [p for p in hits if p.objective_id == objective_id]
        return hits[:k]
