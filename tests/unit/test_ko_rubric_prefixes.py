"""Korean rubrics' English fragments: a cut-off word ("fine-tun") needs the ``*`` prefix marker to match."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from skillcoach.grading.reader import find, stem_index, tokenise
from tests.conftest import CURRICULUM

WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
# Real words the English prose happens not to use.
REAL_WORDS = {"nuance", "reset", "stt"}


def _phrases(node: Any, inside_rubric: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _phrases(value, inside_rubric or key == "rubric")
    elif isinstance(node, list):
        for value in node:
            yield from _phrases(value, inside_rubric)
    elif isinstance(node, str) and inside_rubric and re.fullmatch(r"[A-Za-z0-9 .\-'*]+", node):
        yield node


def _english_prose_words() -> set[str]:
    words: set[str] = set()
    for path in CURRICULUM.glob("*.yaml"):
        words |= set(WORD.findall(re.sub(r"[a-z0-9-]+\*", " ", path.read_text(encoding="utf-8").lower())))
    return words


def test_every_unstarred_english_fragment_in_korean_rubrics_is_a_whole_word() -> None:
    known = _english_prose_words() | REAL_WORDS
    cut_off = set()
    for path in sorted((CURRICULUM / "ko").glob("*.yaml")):
        for phrase in _phrases(yaml.safe_load(path.read_text(encoding="utf-8"))):
            unstarred = re.sub(r"[a-z0-9-]+\*", " ", phrase.lower())
            cut_off |= {f"{path.name}: {w}" for w in WORD.findall(unstarred) if w not in known}
    assert cut_off == set(), "add the '*' prefix marker to these fragments"


def test_a_starred_fragment_matches_the_whole_word_in_a_korean_answer() -> None:
    tokens = tokenise("한국어 데이터로 fine-tuning을 하거나 evaluation을 자동화합니다.")
    # English words in a Korean answer are read as their stems ("evaluation" -> "evalu"), so a prefix
    # must be a prefix of the stem: "evalu*", not "evaluat*".
    assert find(tokens, "fine-tun*", stem_index(tokens)) and find(tokens, "evalu*", stem_index(tokens))
    assert not find(tokens, "fine-tun", stem_index(tokens)), "without the marker the fragment never matches"
    assert not find(tokens, "evaluat*", stem_index(tokens))
