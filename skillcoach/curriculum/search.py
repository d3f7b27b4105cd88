"""BM25 search over curriculum passages (bm25s), for the tutor's tool and ``skillcoach ask``."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

import bm25s
import Stemmer

from skillcoach.curriculum.catalog import Curriculum
from skillcoach.curriculum.models import Objective

MIN_SCORE = 0.05


@dataclass(frozen=True)
class Passage:
    skill_id: str
    objective_id: str
    kind: str  # explanation | key_point | fact | example
    source: str
    text: str

    def citation(self) -> dict[str, str]:
        data = asdict(self)
        data.pop("kind")
        return data


def passages_of(objective: Objective) -> list[Passage]:
    """Cut an objective into retrievable passages, each with a citable source."""
    skill, oid = objective.skill_id, objective.id
    home = "; ".join(f"{s.seed} ({s.section})" for s in objective.sources)
    found: list[Passage] = []
    for para in (p.strip() for p in objective.explanation.split("\n\n")):
        if len(para.split()) >= 8:
            found.append(Passage(skill, oid, "explanation", home, f"{objective.title}: {para}"))
    found += [Passage(skill, oid, "key_point", home, f"{objective.title}: {kp}") for kp in objective.key_points]
    found += [Passage(skill, oid, "fact", f"{f.source.seed} ({f.source.section})", f.claim) for f in objective.facts]
    found.append(Passage(skill, oid, "example", home, f"Example ({objective.title}): {objective.example.strip()}"))
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
