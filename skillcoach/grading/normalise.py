"""Normalise learner text before any check: one canonical form, no invisible characters.

NFKC folds full-width letters and compatibility forms ("ｉｇｎｏｒｅ" -> "ignore"); zero-width
characters, bidi controls and other format characters (Unicode category Cf) are removed, so
"ig\u200bnore" reads as "ignore" to the guard, the grader and the model alike.
"""

from __future__ import annotations

import unicodedata

# Format characters that are not invisible tricks but carry meaning in some scripts are none we
# need: answers are prose, so every Cf character (ZWSP, ZWJ, ZWNJ, LRM, RLO, BOM, soft hyphen ...) goes.
_KEEP = frozenset("\t\n\r")


def normalise_text(text: str) -> str:
    """NFKC-fold ``text`` and drop zero-width, bidi and other format characters."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if ch in _KEEP or unicodedata.category(ch) != "Cf")
