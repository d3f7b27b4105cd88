"""Spot learner text that tries to instruct the grader or the tutor.

Such text is still graded, but by the rubric alone: an instruction aimed at the
model can then change no grade and no mastery.
"""

from __future__ import annotations

import re

INSTRUCTION = re.compile(
    r"ignore (?:all |any |the |your |previous |prior |above )*(?:instructions?|rubric|rules?|prompt)"
    r"|(?:mark|grade|score|count) (?:this|it|me|my answer)(?: answer)? (?:as )?(?:correct|right|full|100|1\.0)"
    r"|(?:verdict|score)\s*[:=]\s*(?:correct|1(?:\.0)?|100)"
    r"|you are now|new instructions|system prompt|disregard (?:the|your|all)"
    r"|give (?:me )?full (?:marks|credit|score)",
    re.IGNORECASE,
)


def instructs_the_model(text: str) -> bool:
    return bool(INSTRUCTION.search(text))
