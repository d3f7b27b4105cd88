"""Korean morphology for retrieval and grading: Kiwi (kiwipiepy) morphemes, English terms stemmed.

"검색을" is the noun 검색 and the particle 을; "가져와서" is the verb stem 가져오 and an ending.
Particles and endings carry no topic, so retrieval and rubric matching work on the stems. Latin
words inside Korean text ("Agentic RAG는", "C2PA가") are rejoined and Snowball-stemmed like English.
The Kiwi model (PyPI ``kiwipiepy_model``) loads once per process, on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import Stemmer

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_STEMMER = Stemmer.Stemmer("english")
_LATIN = frozenset({"SL", "SN", "SH"})
# Content morphemes: nouns, roots, verbs/adjectives, adverbs, foreign words and numbers.
CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "XR", "VV", "VA", "VX", "VCN", "MAG", "SL", "SN", "SH"})
# Light or empty words a question is full of ("무엇이 다른가요", "뭐예요", "하다", "되다").
SEARCH_STOPWORDS = frozenset("하 되 있 이 것 수 뭐 무엇 어떻 어떤 왜 어디 언제 누구 좀 잘 더 또 그 저 이런 그런 "
                             "때 등 및 경우 the a an of to is are what how why".split())


@dataclass(frozen=True)
class Morph:
    """One morpheme of a Korean text as Kiwi analyses it, with the word it came from."""

    form: str  # the stem as written ("검색", "가져오"), lower-case and stemmed for Latin words
    tag: str  # the Sejong tag Kiwi gives ("NNG", "VV", "JKO", "EC", ...)
    eojeol: int  # index of the space-separated word it belongs to
    surface: str  # that word as written, lower-case ("검색을")


def has_hangul(text: str) -> bool:
    """Tell whether the text contains Hangul, so Korean analysis is needed."""
    return bool(HANGUL.search(text))


@lru_cache(maxsize=1)
def kiwi() -> Any:
    """The process-wide Kiwi analyser (loading its model takes a few seconds)."""
    from kiwipiepy import Kiwi

    return Kiwi()


@lru_cache(maxsize=4096)
def _cached(text: str) -> tuple[Morph, ...]:
    return tuple(_analyse(text))


def analyse(text: str) -> list[Morph]:
    """Every morpheme of ``text`` in order, Latin runs rejoined ("C", "2", "PA" -> "c2pa") and stemmed."""
    return list(_cached(text))


def _analyse(text: str) -> list[Morph]:
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    out: list[Morph] = []
    prev_end = -1
    for token in kiwi().tokenize(text):
        start, end = token.start, token.start + token.len
        eojeol = next((i for i, (s, e) in enumerate(words) if s <= start < e), len(words) - 1)
        surface = text[words[eojeol][0]:words[eojeol][1]].lower() if words else ""
        tag = token.tag.split("-")[0]  # "VV-I" (irregular) is still a verb
        if tag in _LATIN and out and out[-1].tag in _LATIN and start == prev_end:
            last = out.pop()
            out.append(Morph(last.form + text[start:end].lower(), "SL", last.eojeol, last.surface))
        else:
            form = text[start:end].lower() if tag in _LATIN else token.form
            out.append(Morph(form, tag, eojeol, surface))
        prev_end = end
    return [Morph(_stem(m.form), m.tag, m.eojeol, m.surface) if m.tag in _LATIN else m for m in out]


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word)) if word.isalpha() and word.isascii() else word


def search_terms(text: str) -> list[str]:
    """The terms BM25 indexes for a Korean (or mixed) text: content stems without particles and endings."""
    return [m.form for m in analyse(text) if m.tag in CONTENT_TAGS and m.form not in SEARCH_STOPWORDS
            and (m.tag != "SN" or len(m.form) > 1)]
