"""Check that each translation of the curriculum is complete and consistent with the English files.

Same ids in the same order, same choice keys, answer keys, misconception ids, fact sources, dates
and figures (the numbers a claim states, by value), Hangul in Korean text, and no field left to
the English fallback. Problems read ``ko/rag.yaml: objectives[rag/why-rag].items[...]: problem``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

from skillcoach.curriculum.loader import Problem, read_dir
from skillcoach.curriculum.localize import LANGUAGES, language_dir, read_yaml, skill_files
from skillcoach.curriculum.models import Fact, Item, ItemKind, Objective, Skill

HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Scripts a language's text must contain (a field written only in English counts as untranslated).
SCRIPTS = {"ko": HANGUL}


def check_languages(directory: Path, languages: tuple[str, ...] = LANGUAGES) -> list[Problem]:
    """Every completeness or consistency problem of the translations against the English curriculum."""
    english = read_dir(directory, "en")
    problems: list[Problem] = []
    for lang in languages:
        if lang == "en":
            continue
        local = read_dir(directory, lang)
        problems += [p for p in local.problems if p.file.startswith(f"{lang}/")]
        problems += _unknown_files(directory, lang)
        for name, missing in (local.fallbacks or {}).items():
            problems += [Problem(f"{lang}/{name}", field, f"missing in {lang}; English shown") for field in missing]
        for name, base in english.skills.items():
            translated = local.skills.get(name)
            if translated is not None:
                problems += list(compare_skill(f"{lang}/{name}", base, translated, lang))
    return problems


def _unknown_files(directory: Path, lang: str) -> Iterator[Problem]:
    english = {p.name for p in skill_files(directory)}
    for path in skill_files(language_dir(directory, lang)):
        if path.name not in english:
            yield Problem(f"{lang}/{path.name}", "-", "no English file of this name")
        data = read_yaml(path)
        if isinstance(data, dict) and data.get("locale") != lang:
            yield Problem(f"{lang}/{path.name}", "locale", f"must be {lang!r}")


def compare_skill(file: str, base: Skill, local: Skill, lang: str) -> Iterator[Problem]:
    """Where ``local`` (a translation read over ``base``) differs from ``base`` in what must be equal."""
    if base.order != local.order or base.prerequisites != local.prerequisites:
        yield Problem(file, "order/prerequisites", "differs from English")
    yield from _texts(file, "", {"title": local.title, "summary": local.summary}, lang)
    yield from _ids(file, "objectives", [o.id for o in base.objectives], [o.id for o in local.objectives])
    local_objectives = {o.id: o for o in local.objectives}
    for obj in base.objectives:
        if obj.id in local_objectives:
            yield from _compare_objective(file, f"objectives[{obj.id}]", obj, local_objectives[obj.id], lang)


def _ids(file: str, field: str, base: list[str], local: list[str]) -> Iterator[Problem]:
    if base != local:
        yield Problem(file, field, f"ids or order differ from English: {local} vs {base}")


def _compare_objective(file: str, where: str, base: Objective, local: Objective, lang: str) -> Iterator[Problem]:
    if (base.minutes, base.prerequisites) != (local.minutes, local.prerequisites):
        yield Problem(file, where, "minutes or prerequisites differ from English")
    if [s.id for s in base.sources] != [s.id for s in local.sources]:
        yield Problem(file, f"{where}.sources", "sources differ from English")
    texts = {"title": local.title, "explanation": local.explanation, "example": local.example}
    texts |= {f"key_points[{i}]": kp for i, kp in enumerate(local.key_points)}
    yield from _texts(file, where, texts, lang)
    if len(base.key_points) != len(local.key_points):
        yield Problem(file, f"{where}.key_points",
                      f"{len(local.key_points)} key points; English has {len(base.key_points)}")
    if len(base.facts) != len(local.facts):
        yield Problem(file, f"{where}.facts", f"{len(local.facts)} facts; English has {len(base.facts)}")
    for i, (bf, lf) in enumerate(zip(base.facts, local.facts, strict=False)):
        yield from _compare_fact(file, f"{where}.facts[{i}]", bf, lf, lang)
    yield from _ids(file, f"{where}.items", [i.id for i in base.items], [i.id for i in local.items])
    local_items = {i.id: i for i in local.items}
    for item in base.items:
        if item.id in local_items:
            yield from _compare_item(file, f"{where}.items[{item.id}]", item, local_items[item.id], lang)


def _compare_fact(file: str, where: str, base: Fact, local: Fact, lang: str) -> Iterator[Problem]:
    same = (base.source, base.as_of, base.checked, base.covers) == (local.source, local.as_of, local.checked,
                                                                   local.covers)
    if not same:
        yield Problem(file, where, "source, as_of, checked or covers differ from English")
    problem = figure_problem(base.claim, local.claim)
    if problem:
        yield Problem(file, f"{where}.claim", problem)
    yield from _texts(file, where, {"claim": local.claim, "since": local.since}, lang)


_MONTHS = "january february march april may june july august september october november december".split()
_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "half": 2, "threefold": 3, "twice": 2}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "bn": 1e9}
_KO_SCALES = {"조": 1e12, "억": 1e8, "천만": 1e7, "백만": 1e6, "만": 1e4, "천": 1e3}
_FIGURE = re.compile(r"(\d+(?:[.,]\d+)*)(?:[\s-]*(thousand|million|billion|trillion|bn|k)(?![a-z]))?", re.IGNORECASE)
# Korean groups its big numbers in 만/억 steps: "9억 3천만" is 930,000,000.
_KO_FIGURE = re.compile(r"(?:\d+(?:[.,]\d+)*\s*(?:조|억|천만|백만|만|천)\s*)+")
_KO_PART = re.compile(r"(\d+(?:[.,]\d+)*)\s*(조|억|천만|백만|만|천)")
_KO_FRACTION = re.compile(r"\d+\s*분의\s*\d+")  # "3분의 1": English writes "a third"
_TITLE = re.compile(r"「[^」]*」|“[^”]*”")
_WORD_FIGURE = re.compile(r"\b(" + "|".join(_MONTHS + _WORDS + list(_ORDINALS)) + r")\b", re.IGNORECASE)


def numbers(text: str) -> set[str]:
    """The figures of a text as values: "1,000" == "1000", "18 billion" == "180억", "9억 3천만" == "$930 million"."""
    text = _KO_FRACTION.sub(" ", _TITLE.sub("", text))  # quoted titles: "9가지" is "Nine"
    found: set[str] = set()
    for match in _KO_FIGURE.finditer(text):
        found.add(_value(sum(float(d.replace(",", "")) * _KO_SCALES[u] for d, u in _KO_PART.findall(match.group()))))
    text = _KO_FIGURE.sub(" ", text)
    for digits, scale in _FIGURE.findall(text):
        found.add(_value(float(digits.replace(",", "")) * _SCALES.get(scale.lower(), 1)))
    return found


def _worded(text: str) -> set[str]:
    """Figures English writes as words ("ten lines", "December", "a third"): allowed as digits in a translation."""
    found = {_value(1)}  # "a year", "a third", "first": Korean writes 1년, 3분의 1, 1위
    for word in (w.lower() for w in _WORD_FIGURE.findall(_TITLE.sub("", text))):
        value = _MONTHS.index(word) + 1 if word in _MONTHS else _ORDINALS.get(word)
        found.add(_value(_WORDS.index(word) if value is None else value))
    return found


def _value(number: float) -> str:
    return f"{number:.6g}"


def figure_problem(english: str, translated: str) -> str | None:
    """What figures of one text the other lacks; None when both state the same figures."""
    want, got = numbers(english), numbers(translated)
    lost, extra = sorted(want - got), sorted(got - want - _worded(english))
    if not lost and not extra:
        return None
    return f"figures differ from English (only in English: {lost}, only in translation: {extra})"


def _compare_item(file: str, where: str, base: Item, local: Item, lang: str) -> Iterator[Problem]:
    if (base.kind, base.difficulty) != (local.kind, local.difficulty):
        yield Problem(file, where, "kind or difficulty differ from English")
    if [c.key for c in base.choices] != [c.key for c in local.choices]:
        yield Problem(file, f"{where}.choices", "choice keys differ from English")
    if base.kind is not ItemKind.SHORT_ANSWER and base.answer != local.answer:
        yield Problem(file, f"{where}.answer", f"answer key {local.answer!r}; English has {base.answer!r}")
    if [c.misconception for c in base.choices] != [c.misconception for c in local.choices] \
            or base.wrong_misconception != local.wrong_misconception:
        yield Problem(file, f"{where}.choices", "misconception ids differ from English")
    yield from _compare_rubric(file, f"{where}.rubric", base, local)
    texts = {"prompt": local.prompt, "explanation": local.explanation, "wrong_feedback": local.wrong_feedback,
             "hint": local.hint}
    if local.kind is ItemKind.SHORT_ANSWER:
        texts["answer"] = str(local.answer)
    texts |= {f"choices[{c.key}].text": c.text for c in local.choices if not _is_literal(c.text)}
    texts |= {f"choices[{c.key}].feedback": c.feedback for c in local.choices}
    if local.rubric is not None:
        texts |= {f"rubric.required[{i}].name": g.name for i, g in enumerate(local.rubric.required)}
        texts |= {f"rubric.forbidden[{i}].feedback": f.feedback for i, f in enumerate(local.rubric.forbidden)}
    yield from _texts(file, where, texts, lang)


def _is_literal(text: str) -> bool:
    """A choice that is a name, number or code ("LoRA", "2025", "n8n") reads the same in every language."""
    return len(text) <= 40 and not re.search(r"[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}", text)


def _compare_rubric(file: str, where: str, base: Item, local: Item) -> Iterator[Problem]:
    if base.rubric is None or local.rubric is None:
        if (base.rubric is None) != (local.rubric is None):
            yield Problem(file, where, "rubric present in one language only")
        return
    b, loc = base.rubric, local.rubric
    if b.pass_ratio != loc.pass_ratio or len(b.required) != len(loc.required):
        yield Problem(file, where, "pass_ratio or number of required ideas differ from English")
    got = Counter(f.misconception for f in loc.forbidden)
    want = Counter(f.misconception for f in b.forbidden)
    if got != want:
        yield Problem(file, f"{where}.forbidden",
                      f"misconception ids {sorted(map(str, got.elements()))}; English has "
                      f"{sorted(map(str, want.elements()))}")


def _texts(file: str, where: str, texts: Mapping[str, str | None], lang: str) -> Iterator[Problem]:
    script = SCRIPTS.get(lang)
    if script is None:
        return
    for field, text in texts.items():
        if text and not script.search(text):
            yield Problem(file, f"{where}.{field}" if where else field, f"no {lang} text (not translated?)")
