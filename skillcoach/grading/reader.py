"""Read a short answer the way a marker would: words and stems, phrases with small gaps, negation.

A rubric phrase is matched word by word on Snowball stems ("signs off" finds "signed it off"),
never inside another word ("rag" does not match "storage", "log" does not match "logical").
A phrase word ending in ``*`` matches any word that starts with it ("complian*"). Up to
``MAX_GAP`` words may sit between the words of a phrase, within one sentence.

Each match is read in its scope: "never test", "testing is unnecessary", "instead of retraining",
"without a human" negate what they govern, so a required idea stated negatively does not count and
a wrong claim stated negatively does not sink the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from skillcoach.curriculum.korean import has_hangul

MAX_GAP = 2
PRE_SCOPE = 8  # words a negator such as "never" governs to its right
POST_SCOPE = 8  # words a predicate such as "is unnecessary" governs to its left

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9]+|[.;:!?()\[\]{}\n]|,")
_CONTRACTION = re.compile(r"\b(\w+?)n['’]t\b")
_IRREGULAR = {"can't": "can not", "won't": "will not", "cannot": "can not", "shan't": "shall not",
              "can’t": "can not", "won’t": "will not"}

SENTENCE_END = frozenset(".;:!?()[]{}\n")
# Words that open a new clause: a negator before them does not reach past them.
CLAUSE_WORDS = frozenset("but instead however although though whereas while yet so because since then therefore "
                         "thus hence unless otherwise rather".split())
# After a comma these start a new clause ("don't retrain, we retrieve"), not a list item.
CLAUSE_STARTERS = frozenset("i we you they it he she this that use just simply only then so".split())
NEGATORS = frozenset(_STEMMER.stemWords("not no never without skip skipping avoid avoiding neither nor none nothing "
                                        "lack lacking forget ignore ditch drop dropping hardly "
                                        "unnecessary needless".split()))
# Two-word negators that govern what follows them.
NEGATOR_PAIRS = {("instead", "of"), ("rather", "than"), ("no", "need"), ("not", "need"), ("free", "of")}
# "not only X but also Y" affirms X.
NOT_NEGATING_NEXT = frozenset("only just mere merely also".split())
# Predicates that negate the subject on their left: "versioning is unnecessary overhead".
POST_NEGATORS = tuple(tuple(_STEMMER.stemWords(p.split())) for p in (
    "unnecessary", "needless", "not needed", "not necessary", "not required", "not worth", "overkill",
    "pointless", "useless", "irrelevant", "waste of time", "a waste", "optional", "overhead", "can be skipped",
    "can be dropped", "not important", "doesn't matter", "does not matter", "not matter", "is a myth",
    "not help", "never help", "not work",
))

_POST_FIRST = frozenset(p[0] for p in POST_NEGATORS)


@dataclass(frozen=True)
class Token:
    """One word of an answer as the grader reads it: the word, its stem, and the sentence it is in."""

    word: str
    stem: str
    sentence: int
    punct: bool = False
    # Korean answers only (see grading/korean.py): morpheme tag, the written word it sits in, and its index.
    tag: str = ""
    surface: str = ""
    eojeol: int = -1


@dataclass(frozen=True)
class Match:
    """Where a phrase was found in an answer's tokens, and whether a negation covers it."""

    start: int  # index of the first matched token
    end: int  # index of the last matched token
    negated: bool


def _expand(text: str) -> str:
    """Lower-case, with "n't" spelled "not" ("doesn't" -> "does not")."""
    lowered = text.lower()
    for short, long in _IRREGULAR.items():
        lowered = lowered.replace(short, long)
    return _CONTRACTION.sub(r"\1 not", lowered)


def tokenise(text: str) -> list[Token]:
    """Lower-case word and punctuation tokens with their stems and sentence numbers."""
    if has_hangul(text):
        return korean.tokenise(text)
    lowered = _expand(text)
    out: list[Token] = []
    sentence = 0
    for raw in _WORD.findall(lowered):
        if raw in SENTENCE_END:
            out.append(Token(raw, raw, sentence, punct=True))
            sentence += 1
        elif raw == ",":
            out.append(Token(raw, raw, sentence, punct=True))
        else:
            out.append(Token(raw, _stem(raw), sentence))
    return out


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=4096)
def compile_phrase(phrase: str) -> tuple[tuple[str, bool], ...]:
    """A rubric phrase as (stem or prefix, is_prefix) pairs."""
    if has_hangul(phrase):
        return korean.phrase_parts(phrase)
    parts: list[tuple[str, bool]] = []
    for raw in re.findall(r"[a-z0-9]+\*?", _expand(phrase)):
        if raw.endswith("*"):
            parts.append((raw[:-1], True))
        else:
            parts.append((_stem(raw), False))
    return tuple(parts)


def stem_index(tokens: list[Token]) -> dict[str, list[int]]:
    """Positions of each stem in ``tokens``, so a phrase is looked up rather than scanned for."""
    index: dict[str, list[int]] = {}
    for i, tok in enumerate(tokens):
        if not tok.punct:
            index.setdefault(tok.stem, []).append(i)
    return index


@lru_cache(maxsize=4096)
def phrase_negates(phrase: str) -> bool:
    """True when the phrase itself carries a negation ("not trained", "no signal")."""
    if has_hangul(phrase):
        return korean.phrase_negates(phrase)
    tokens = tokenise(phrase)
    return any(t.stem in NEGATORS for t in tokens)


def _fits(token: Token, part: tuple[str, bool]) -> bool:
    if token.punct:
        return False
    value, is_prefix = part
    return token.word.startswith(value) if is_prefix else token.stem == value


def find(tokens: list[Token], phrase: str, index: dict[str, list[int]] | None = None) -> list[Match]:
    """Every occurrence of ``phrase`` in ``tokens``, each read for negation (``index``: from ``stem_index``)."""
    parts = compile_phrase(phrase)
    if not parts:
        return []
    self_negating = phrase_negates(phrase)
    first, is_prefix = parts[0]
    if is_prefix or index is None:
        starts = [i for i, token in enumerate(tokens) if _fits(token, parts[0])]
    else:
        starts = index.get(first, [])
    matches = []
    for i in starts:
        end = _extend(tokens, i, parts[1:])
        if end is None:
            continue
        negated = False if self_negating else is_negated(tokens, i, end)
        matches.append(Match(i, end, negated))
    if has_hangul(phrase):  # also where the phrase begins written words: "모른" in "모른다"
        taken = {m.start for m in matches}
        matches += [Match(i, end, False if self_negating else is_negated(tokens, i, end))
                    for i, end in korean.surface_spans(tokens, phrase, MAX_GAP) if i not in taken]
    return matches


def _extend(tokens: list[Token], start: int, rest: tuple[tuple[str, bool], ...]) -> int | None:
    """Index of the phrase's last token when the rest follows with gaps of at most MAX_GAP words."""
    pos = start
    for part in rest:
        found = None
        gap = 0
        for j in range(pos + 1, len(tokens)):
            if tokens[j].punct and tokens[j].word != ",":
                break  # a phrase never spans sentences
            if tokens[j].punct:
                continue
            if _fits(tokens[j], part):
                found = j
                break
            gap += 1
            if gap > MAX_GAP:
                break
        if found is None:
            return None
        pos = found
    return pos


def is_negated(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the span [start, end] sits in the scope of a negation."""
    if tokens[start].eojeol >= 0:
        return korean.is_negated(tokens, start, end)
    inside = [t for t in tokens[start + 1:end] if not t.punct]
    if any(t.stem in NEGATORS for t in inside):
        return True
    return _negated_from_left(tokens, start) or _negated_from_right(tokens, end)


def _negated_from_left(tokens: list[Token], start: int) -> bool:
    words = 0
    j = start - 1
    while j >= 0 and words < PRE_SCOPE:
        tok = tokens[j]
        if tok.punct:
            if tok.word != ",":
                return False
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            if nxt is not None and nxt.word in CLAUSE_STARTERS:
                return False
            j -= 1
            continue
        if _negator_at(tokens, j):
            return not _double_negative(tokens, j)
        if tok.word in CLAUSE_WORDS:
            return False
        words += 1
        j -= 1
    return False


def _double_negative(tokens: list[Token], j: int) -> bool:
    """A negator right before another one ("wouldn't skip", "never without") affirms."""
    for k in range(j - 1, max(-1, j - 3), -1):
        if tokens[k].punct:
            return False
        if _negator_at(tokens, k) and (tokens[k].word, tokens[j].word) not in NEGATOR_PAIRS:
            return True
    return False


def _negator_at(tokens: list[Token], j: int) -> bool:
    tok = tokens[j]
    nxt = tokens[j + 1] if j + 1 < len(tokens) else None
    if nxt is not None and (tok.word, nxt.word) in NEGATOR_PAIRS:
        return True
    if tok.word in ("instead", "rather"):
        return False
    if tok.stem in NEGATORS:
        return not (nxt is not None and nxt.word in NOT_NEGATING_NEXT)
    return False


def _negated_from_right(tokens: list[Token], end: int) -> bool:
    words: list[Token] = []
    j = end + 1
    while j < len(tokens) and len(words) < POST_SCOPE:
        tok = tokens[j]
        if tok.punct and tok.word != ",":
            break
        if tok.word in CLAUSE_WORDS:
            break
        if not tok.punct:
            words.append(tok)
        j += 1
    stems = [t.stem for t in words]
    if not _POST_FIRST.intersection(stems):
        return False
    for pattern in POST_NEGATORS:
        n = len(pattern)
        if any(tuple(stems[k:k + n]) == pattern for k in range(len(stems) - n + 1)):
            return True
    return False


FUNCTION_WORDS = frozenset(
    "a an the is are was were be been being to of in on at by for with from as that this these those it its "
    "and or but so if then than when while because since which who what how why where there their they we "
    "you i he she our your my me us them do does did can could should would will may might must not no "
    "has have had into onto over under about after before until each every any all more most less such "
    "instead rather only also just very".split())


def is_keyword_list(tokens: list[Token]) -> bool:
    """A list of terms with no sentence structure: too few function words, or short comma fragments."""
    words = [t for t in tokens if not t.punct]
    if any(t.eojeol >= 0 for t in words):
        return korean.is_keyword_list(tokens)
    if len(words) < 3:
        return False
    function_share = sum(t.word in FUNCTION_WORDS for t in words) / len(words)
    if function_share < 0.2:
        return True
    fragments = _fragments(tokens)
    if len(fragments) >= 4:
        short = sum(len(f) <= 3 for f in fragments)
        return short / len(fragments) >= 0.75 and max(len(f) for f in fragments) < 5
    return False


def _fragments(tokens: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.punct or tok.word in ("and", "or"):
            if out[-1]:
                out.append([])
        else:
            out[-1].append(tok)
    return [f for f in out if f]


from skillcoach.grading import korean  # noqa: E402  (korean.py builds on Token above)
