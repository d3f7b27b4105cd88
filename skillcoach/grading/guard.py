"""Spot learner text that tries to instruct the grader or the tutor.

Such text is still graded, but by the rubric alone: an instruction aimed at the
model can then change no grade and no mastery. The text is normalised first (NFKC, no
zero-width or bidi characters, look-alike letters folded), and checked both as written
and with spacing and punctuation removed ("i g n o r e", "ig-nore").
"""

from __future__ import annotations

import re
from functools import lru_cache

from skillcoach.grading.normalise import normalise_text

INSTRUCTION = re.compile(
    r"ignore (?:all |any |the |your |previous |prior |above |earlier |these |those )*"
    r"(?:instructions?|rubric|rules?|prompt|guidelines?|directions?)"
    r"|(?:mark|grade|score|count|rate|record|treat|consider|evaluate) (?:this|it|me|my answer|the answer)"
    r"(?: answer| response)? (?:as )?(?:being )?(?:correct|right|full|perfect|complete|100|1\.0|passing|a pass)"
    r"|(?:verdict|score|grade|result)\s*[:=]\s*\"?(?:correct|1(?:\.0)?|100|pass|full)"
    r"|you are now|you're now|new instructions?|system prompt|system message|developer (?:mode|message)"
    r"|disregard (?:the|your|all|any|previous|prior)|forget (?:the|your|all|previous|prior|everything)"
    r"|give (?:me |this |it )?(?:full|maximum|max|top|perfect) (?:marks|credit|score|points)"
    r"|full marks|\b(?:answer|response) is (?:complete and correct|correct and complete|fully correct|correct\b)"
    r"|(?:teacher|instructor|professor|grader|admin|administrator|examiner|tutor|operator)s? "
    r"(?:said|says|told|approved|confirmed|has approved|already)"
    r"|pretend (?:you|to be)|act as (?:if|though|an? (?:grader|teacher|lenient|different|new))|role-?play"
    r"|imagine you are|from now on|jailbroken|jailbreak mode|\bdan\b|override (?:the|your|all|any|previous|prior)"
    r"|(?:^|\s)(?:system|assistant|user|human)\s*:|<\|?/?(?:system|assistant|user|im_start|im_end)"
    r"|\[/?inst\]|<<<|>>>|\"\"\"|```|\}\s*\]?\s*\{|\"\s*,\s*\"(?:verdict|score)"
    r"|learner_answer|learner_question|rubric says|per the rubric this"
    # Claims about the answer's standing with the grading material or staff, not about the subject.
    r"|(?:matches|same as|equivalent to|agrees? with|identical to|see) (?:the |your )?(?:answer )?"
    r"(?:key|reference|model answer|rubric|marking scheme)"
    r"|\b(?:pre-?checked|pre-?approved|pre-?graded)\b|(?:checked|approved|verified|graded) by (?:the |my |our )?"
    r"(?:course |teaching )?(?:staff|teacher|instructor|tutor|grader|examiner|admin)",
    re.IGNORECASE,
)
# The same instructions with spacing and punctuation removed ("i g n o r e a l l", "mark.this.correct").
COLLAPSED = re.compile(
    r"ignore(?:all|any|the|your|previous|prior|above)*(?:instruction|rubric|rule|prompt)"
    r"|(?:mark|grade|score)(?:this|it|myanswer)(?:answer)?(?:as)?(?:correct|right|full)"
    r"|fullmarks|systemprompt|youarenow|disregard(?:the|your|all|previous)|completeandcorrect|verdictcorrect",
    re.IGNORECASE,
)
# Korean: ignore / correct answer, full marks / the grader, grading criteria / a score / teacher / "system:" /
# "you are now". Not the bare words 프롬프트, 시스템, 역할, 지시, 채점: Korean answers about prompts,
# systems, roles and automatic grading use them ("시스템 프롬프트에 역할을 적고", "자동 채점").
KOREAN = re.compile(r"무시|정답(?:으로|처리|이라고|입니다|이다)|만점|채점자|채점 ?기준|점수\s*[:：]|점수를 (?:주|줘)"
                    r"|선생님|교사|시스템\s*[:：]|당신은 이제|명령(?:을|에) 따르")
# Letters from other scripts that look Latin ("іgnоrе" with Cyrillic і, о, е).
CONFUSABLES = str.maketrans("асеіорхуѕјԁһӏАВСЕНІЈКМОРТХУαοιεκνρτυχ",
                            "aceiopxysjdhlABCEHIJKMOPTXYaoieknptux")


_SENTENCE = re.compile(r"(?<=[.!?;\n])\s+")


def without_instructions(text: str) -> str:
    """``text`` without the sentences that instruct the model: instructions earn no credit."""
    kept = [s for s in _SENTENCE.split(text) if not instructs_the_model(s)]
    return " ".join(kept)


@lru_cache(maxsize=4096)
def instructs_the_model(text: str) -> bool:
    """Whether ``text`` tries to instruct the grader, the tutor or the system."""
    plain = normalise_text(text).translate(CONFUSABLES)
    collapsed = re.sub(r"[\W_]+", "", plain)
    return bool(INSTRUCTION.search(plain) or COLLAPSED.search(collapsed) or KOREAN.search(plain))
