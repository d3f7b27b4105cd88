"""Calibrate the offline ``ask`` relevance threshold on tests/data/ask/ and report precision/recall.

    python bench/ask_relevance.py            # the table over thresholds, then the figures at THRESHOLD

"Positive" means the coach answers (the best passage's coverage reaches the threshold).
Precision: answered questions that were on topic; recall: on-topic questions answered;
off-topic refusal rate: off-topic questions declined.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from skillcoach.curriculum.catalog import load_curriculum  # noqa: E402
from skillcoach.curriculum.relevance import THRESHOLD, Relevance  # noqa: E402
from skillcoach.curriculum.search import CurriculumIndex  # noqa: E402

DATA = ROOT / "tests" / "data" / "ask"


def questions(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def best_scores(index: CurriculumIndex, relevance: Relevance, asked: list[str]) -> list[float]:
    scores = []
    for question in asked:
        ranked = relevance.rank(question, index.search(question, k=3))
        scores.append(ranked[0].relevance if ranked else 0.0)
    return scores


def figures(on: list[float], off: list[float], threshold: float) -> dict[str, float]:
    tp = sum(s >= threshold for s in on)
    fp = sum(s >= threshold for s in off)
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / len(on),
            "off_topic_declined": 1 - fp / len(off)}


def main() -> None:
    index = CurriculumIndex(load_curriculum(ROOT / "config" / "curriculum"))
    relevance = Relevance(index.passages)
    on = best_scores(index, relevance, questions("on_topic.txt"))
    off = best_scores(index, relevance, questions("off_topic.txt"))
    print(f"{len(on)} on-topic, {len(off)} off-topic questions")
    print("threshold  precision  recall  off-topic declined")
    for step in range(2, 10):
        t = step / 10
        f = figures(on, off, t)
        mark = "  <- THRESHOLD" if abs(t - THRESHOLD) < 1e-9 else ""
        print(f"{t:9.2f}  {f['precision']:9.0%}  {f['recall']:6.0%}  {f['off_topic_declined']:18.0%}{mark}")


if __name__ == "__main__":
    main()
