"""Output check for model-written tutor answers: shown only when grounded in the cited passages.

An answer is grounded when most of its content words (stems) occur in the passages the tutor
cited and some of its word pairs (adjacent content stems, "edge cases", "few-shot examples") occur
there too. Off-curriculum text (an injected persona, a recipe, a copied instruction) shares few
words with the curriculum's passages and is not shown; the offline answer is shown instead. The
pairs matter because a large curriculum holds most common words ("done", "answer", "correct",
"complete"), so a short off-curriculum sentence made of them can pass a check on single words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from skillcoach.grading.reader import FUNCTION_WORDS, tokenise

GROUNDED_SHARE = 0.6
GROUNDED_PAIR_SHARE = 0.2
UNGROUNDED_NOTE = ("(The model's answer went beyond the curriculum's passages, so it is not shown; "
                   "here is what the curriculum itself says.)")
_CITATION = re.compile(r"\[\d+\]")


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry content (no function words, no citation markers, 3+ letters)."""
    return [t.stem for t in tokenise(_CITATION.sub(" ", text))
            if not t.punct and t.word not in FUNCTION_WORDS and len(t.word) >= 3 and not t.word.isdigit()]


def grounded_share(answer: str, passages: Iterable[str]) -> float:
    """Share of the answer's content stems that occur in the passages (0 when nothing was cited)."""
    stems = content_stems(answer)
    source = set(content_stems(" ".join(passages)))
    if not stems or not source:
        return 0.0
    return sum(s in source for s in stems) / len(stems)


def _pairs(stems: list[str]) -> list[tuple[str, str]]:
    return list(zip(stems, stems[1:], strict=False))


def grounded_pair_share(answer: str, passages: Iterable[str]) -> float:
    """Share of the answer's adjacent content-stem pairs that occur adjacent in the passages."""
    pairs = _pairs(content_stems(answer))
    source = {pair for passage in passages for pair in _pairs(content_stems(passage))}
    if not pairs:
        return 1.0  # a one-word answer has no pairs; the share of single words decides
    return sum(p in source for p in pairs) / len(pairs)


def is_grounded(answer: str, passages: Iterable[str]) -> bool:
    """Whether a tutor answer may be shown as it is: its words and some of its phrases are the passages'."""
    texts = list(passages)
    return grounded_share(answer, texts) >= GROUNDED_SHARE and grounded_pair_share(answer, texts) >= GROUNDED_PAIR_SHARE
