"""BM25 search over curriculum passages (bm25s), for the tutor's tool and ``skillcoach ask``."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

import bm25s
import Stemmer

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.citations import cite, cite_all, cite_fields, fact_text
from skillcoach.curriculum.models import Objective, SourceRef

MIN_SCORE = 0.05


@dataclass(frozen=True)
class Passage:
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
        data = asdict(self)
        data.pop("kind")
        return data


def _fields(refs: list[SourceRef]) -> dict[str, str]:
    rows = [cite_fields(r) for r in refs]
    return {key: "; ".join(dict.fromkeys(row[key] for row in rows)) for key in rows[0]} if rows else {}


def passages_of(objective: Objective) -> list[Passage]:
    """Cut an objective into retrievable passages, each with a citable source."""
    skill, oid = objective.skill_id, objective.id
    home, home_fields = cite_all(objective.sources), _fields(list(objective.sources))
    found: list[Passage] = []
    for para in (p.strip() for p in objective.explanation.split("\n\n")):
        if len(para.split()) >= 8:
            found.append(Passage(skill, oid, "explanation", home, f"{objective.title}: {para}", **home_fields))
    found += [Passage(skill, oid, "key_point", home, f"{objective.title}: {kp}", **home_fields)
              for kp in objective.key_points]
    found += [Passage(skill, oid, "fact", cite(f.source), fact_text(f), **cite_fields(f.source))
              for f in objective.facts]
    found.append(Passage(skill, oid, "example", home, f"Example ({objective.title}): {objective.example.strip()}",
                         **home_fields))
    return found


class CurriculumIndex:
    """A BM25 index over every passage of a curriculum."""

    def __init__(self, curriculum: Curriculum):
        self.passages = [p for o in curriculum.objectives.values() for p in passages_of(o)]
        self._stemmer = Stemmer.Stemmer("english")
        self._lock = threading.Lock()  # PyStemmer objects are not thread-safe; one Coach serves many sessions
        self._bm25 = bm25s.BM25()
        tokens = self._tokens([p.text for p in self.passages])
        self._bm25.index(tokens, show_progress=False)

    def _tokens(self, texts: list[str]) -> list[list[str]]:
        with self._lock:
            tokens = bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, return_ids=False,
                                    show_progress=False)
        return [list(t) for t in tokens]

    def search(self, query: str, k: int = 3, objective_id: str | None = None) -> list[Passage]:
        """The best ``k`` passages for ``query`` (fewer when little matches)."""
        terms = self._tokens([query])[0]
        if not terms or not self.passages:
            return []
        n = len(self.passages)
        with self._lock:
            docs, scores = self._bm25.retrieve([terms], k=n if objective_id else min(k, n), show_progress=False)
        hits = [self.passages[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > MIN_SCORE]
        if objective_id:
            hits = [p for p in hits if p.objective_id == objective_id]
        return hits[:k]
