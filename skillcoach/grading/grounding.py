"""Output check for model-written tutor answers: shown only when grounded in the cited passages.

An answer is grounded when most of its content words (stems) occur in the passages the tutor
cited. Off-curriculum text (an injected persona, a recipe, a copied instruction) shares few
words with the curriculum's passages and is not shown; the offline answer is shown instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from skillcoach.grading.reader import FUNCTION_WORDS, tokenise

GROUNDED_SHARE = 0.6
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


def is_grounded(answer: str, passages: Iterable[str]) -> bool:
    """Whether a tutor answer may be shown as it is."""
    return grounded_share(answer, passages) >= GROUNDED_SHARE
