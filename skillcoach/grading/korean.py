"""Korean short answers read like English ones: stems, not words with particles; negation in its scope.

Kiwi (see ``skillcoach.curriculum.korean``) splits "검색을" into 검색 + a particle; particles and
most endings are dropped, so a rubric phrase written as a stem ("검색", "가져오", "본 적 없")
matches however the answer inflects it. A phrase also matches the beginning of written words
("모른" finds "모른다"), for stems the analyser reads differently alone than in a sentence.

Korean negates after what it negates: "검색하지 않", "검색이 필요 없", "검색 없이", "RAG 말고",
"파인튜닝 대신", "~이 아니"; or just before the verb: "안 쓴다", "못 찾는다". A clause ending
("-고", "-지만", "-면", "-어서" ...) or punctuation ends a negation's reach. "~하지 않으면 안 된다"
(must) and "없지 않" affirm.
"""

from __future__ import annotations

from functools import lru_cache

from skillcoach.curriculum.korean import analyse
from skillcoach.grading.reader import Token

# Stems that negate what stands before them in the clause (Kiwi tags in parentheses in comments).
NEGATORS = frozenset({"않", "없", "없이", "아니", "대신", "불필요", "필요없"})
VERB_NEGATORS = frozenset({"말"})  # 말다 (VV/VX: "RAG 말고"), not the noun 말 ("speech")
PRE_NEGATORS = frozenset({"안", "못"})  # adverbs before the verb: "안 쓴다"
PREDICATE_TAGS = frozenset({"VV", "VA", "VX", "VCN", "VCP", "XSV", "XSA"})
_KEPT = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "XR", "XPN", "VV", "VA", "VX", "VCN", "VCP", "XSV", "XSA",
                   "MAG", "MM", "SL", "SN", "SH"})
# Endings that join inside one predicate ("하지 않", "하게 되", "해 보"); the others close a clause.
_INNER_ENDINGS = frozenset({"지", "게", "아", "어", "기", "고자"})
_CONDITIONAL = frozenset({"면", "으면"})
# Particles that change a claim ("모델만 바꾸면": only the model), kept so a phrase can require them.
_MEANINGFUL_PARTICLES = frozenset({"만", "뿐"})
SCOPE = 4  # content morphemes a negator after a phrase reaches back over
PRE_SCOPE = 2  # morphemes between "안"/"못" and the phrase it negates


def tokenise(text: str) -> list[Token]:
    """Content morphemes of a Korean (or mixed) answer as tokens; clause endings as commas."""
    out: list[Token] = []
    sentence = 0
    for m in analyse(text):
        if m.tag in ("SF", "SS", "SE", "EF") or (m.tag == "SP" and m.form in ";:"):  # EF: "~합니다" ends one
            out.append(Token(m.form, m.form, sentence, punct=True, tag=m.tag, eojeol=m.eojeol))
            sentence += 1
        elif m.tag == "SP" or (m.tag == "EC" and m.form not in _INNER_ENDINGS):
            out.append(Token(",", ",", sentence, punct=True, tag=f"EC:{m.form}", eojeol=m.eojeol))
        elif m.tag in _KEPT or (m.tag.startswith("J") and m.form in _MEANINGFUL_PARTICLES):
            out.append(Token(m.form, m.form, sentence, tag=m.tag, surface=m.surface, eojeol=m.eojeol))
    return out


@lru_cache(maxsize=4096)
def phrase_parts(phrase: str) -> tuple[tuple[str, bool], ...]:
    """A Korean rubric phrase as stems to match in order (no prefixes: Korean stems are whole)."""
    return tuple((t.stem, False) for t in tokenise(phrase) if not t.punct)


def is_negator(token: Token) -> bool:
    """Tell whether a Korean token negates its clause: a negating word, or a negating verb used as predicate."""
    if token.punct:
        return False
    return token.stem in NEGATORS or (token.stem in VERB_NEGATORS and token.tag in PREDICATE_TAGS)


def phrase_negates(phrase: str) -> bool:
    """True when the phrase itself is negative ("본 적 없", "학습하지 않")."""
    return any(is_negator(t) or t.stem in PRE_NEGATORS for t in tokenise(phrase))


def surface_spans(tokens: list[Token], phrase: str, max_gap: int) -> list[tuple[int, int]]:
    """Spans where the phrase's words begin written words in order ("모른" in "모른다", "가져와" in "가져와서")."""
    words = phrase.lower().split()
    firsts = _first_of_eojeol(tokens)
    spans = []
    for k, i in enumerate(firsts):
        if not tokens[i].surface.startswith(words[0]):
            continue
        end, pos = i, k
        for word in words[1:]:
            nxt = next((q for q in range(pos + 1, min(pos + 2 + max_gap, len(firsts)))
                        if tokens[firsts[q]].surface.startswith(word)
                        and tokens[firsts[q]].sentence == tokens[i].sentence), None)
            if nxt is None:
                break
            pos, end = nxt, firsts[nxt]
        else:
            spans.append((i, _last_of_eojeol(tokens, end)))
    return spans


def _first_of_eojeol(tokens: list[Token]) -> list[int]:
    seen: set[int] = set()
    firsts = []
    for i, tok in enumerate(tokens):
        if not tok.punct and tok.eojeol not in seen:
            seen.add(tok.eojeol)
            firsts.append(i)
    return firsts


def _last_of_eojeol(tokens: list[Token], i: int) -> int:
    while i + 1 < len(tokens) and not tokens[i + 1].punct and tokens[i + 1].eojeol == tokens[i].eojeol:
        i += 1
    return i


def is_negated(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the span [start, end] is negated: by a negator after it in its clause, or 안/못 before it."""
    if any(is_negator(t) for t in tokens[start + 1:end]):
        return True
    return _negated_after(tokens, end) or _negated_before(tokens, start)


def _negated_after(tokens: list[Token], end: int) -> bool:
    seen = 0
    j = end + 1
    while j < len(tokens) and seen <= SCOPE:
        tok = tokens[j]
        if tok.punct:
            return False
        if is_negator(tok) or tok.stem in PRE_NEGATORS:
            return not _affirmed(tokens, j)
        seen += 1
        j += 1
    return False


def _affirmed(tokens: list[Token], j: int) -> bool:
    """A negation undone: "없지 않" (two negators), "하지 않으면 안 된다" (must)."""
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    if nxt is not None and is_negator(nxt):
        return True
    if nxt is not None and nxt.punct and nxt.tag.removeprefix("EC:") in _CONDITIONAL:
        after = tokens[j + 2] if j + 2 < len(tokens) else None
        return after is not None and after.stem in PRE_NEGATORS
    return False


def _negated_before(tokens: list[Token], start: int) -> bool:
    for j in range(start - 1, max(-1, start - 1 - PRE_SCOPE), -1):
        if tokens[j].punct:
            return False
        if tokens[j].stem in PRE_NEGATORS and tokens[j].tag == "MAG":
            return True
    return False


def is_keyword_list(tokens: list[Token]) -> bool:
    """Tell whether a Korean answer is a heap of words rather than a sentence.

    A heap has no sentence or clause ending ("검색, 인용, 근거, 출처"), or hardly a predicate
    among many nouns.
    """
    words = [t for t in tokens if not t.punct]
    if len(words) < 3:
        return False
    if not any(t.tag == "EF" or t.tag.startswith("EC:") for t in tokens):
        return True
    predicates = sum(t.tag in PREDICATE_TAGS for t in words)
    return predicates / len(words) < 0.1
