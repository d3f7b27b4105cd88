"""Small curriculum objects built in code, for unit tests."""

from __future__ import annotations

from typing import Any

from skillcoach.curriculum.models import Item


def mcq(item_id: str = "s/o/q1", n_choices: int = 4, answer: str = "b", **extra: Any) -> Item:
    keys = "abcdefgh"[:n_choices]
    choices = [{"key": k, "text": f"choice {k}", "feedback": f"why {k} is wrong"} for k in keys]
    return Item.model_validate({"id": item_id, "kind": "mcq", "difficulty": 1, "prompt": "Which one is it?",
                                "choices": choices, "answer": answer, "explanation": "Because b is right.", **extra})


def multi(item_id: str = "s/o/q2", answer: list[str] | None = None) -> Item:
    choices = [{"key": k, "text": f"choice {k}", "feedback": f"why {k}"} for k in "abcd"]
    return Item.model_validate({"id": item_id, "kind": "multi_select", "difficulty": 2, "prompt": "Pick all.",
                                "choices": choices, "answer": answer or ["a", "c"],
                                "explanation": "a and c are right."})


def true_false(item_id: str = "s/o/q3", answer: bool = True) -> Item:
    return Item.model_validate({"id": item_id, "kind": "true_false", "difficulty": 1, "prompt": "True or false?",
                                "answer": answer, "wrong_feedback": "This mixes up X and Y.",
                                "explanation": "It is true because of X."})


def short(item_id: str = "s/o/q4") -> Item:
    return Item.model_validate({
        "id": item_id, "kind": "short_answer", "difficulty": 2, "prompt": "Why use retrieval?",
        "answer": "Retrieval grounds the answer in cited sources.",
        "rubric": {"required": [{"name": "retrieval", "any": ["retriev", "search"]},
                                {"name": "grounding", "any": ["ground", "cite", "source"]}],
                   "forbidden": [{"any": ["retrain"], "feedback": "Retrieval does not retrain the model.",
                                  "misconception": "rag/confuses-retrieval-with-training"}]},
        "explanation": "Retrieval supplies evidence the model can cite."})
