"""Message catalogs and the learner's language: complete Korean catalog, no unextracted strings, precedence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from skillcoach.i18n import KEYWORDS, UnknownLanguage, catalog_path, check_lang, resolve_lang, translator
from skillcoach.learner.csv_import import parse_learners_csv
from skillcoach.learner.profile import InvalidProfile, parse_lang
from skillcoach.settings import REPO_ROOT, Settings, default_lang

PLACEHOLDER = re.compile(r"\{[^{}\"]*\}")


def _catalog() -> dict[str, str]:
    with catalog_path("ko").open("rb") as po:
        return {str(m.id): str(m.string) for m in read_po(po) if m.id and not m.fuzzy}


def _extracted() -> set[str]:
    """Every msgid the source marks, as ``pybabel extract -F babel.cfg -k N_`` finds it."""
    sections = re.findall(r"^\[python: (\w+)/\*\*\.py\]$", (REPO_ROOT / "babel.cfg").read_text(), re.M)
    assert sorted(sections) == ["agents", "graphs", "skillcoach", "tools"]
    keywords: dict[str, tuple[int, ...] | None] = {k: None for k in KEYWORDS}
    keywords["ngettext"] = (1, 2)
    ids: set[str] = set()
    for package in sections:
        found = extract_from_dir(REPO_ROOT / package, [("**.py", "python")], keywords=keywords)
        for _path, _line, message, _comments, _context in found:
            ids.update([message] if isinstance(message, str) else [m for m in message if m])
    assert "[jinja2: skillcoach/app/web/templates/**.html]" in (REPO_ROOT / "babel.cfg").read_text()
    pages = extract_from_dir(REPO_ROOT / "skillcoach/app/web/templates", [("**.html", "jinja2")], keywords=keywords,
                             options_map={"**.html": {"extensions": "jinja2.ext.i18n"}})
    ids.update(message for _path, _line, message, _comments, _context in pages if isinstance(message, str))
    return ids


def test_every_korean_msgid_has_a_translation_in_hangul() -> None:
    catalog = _catalog()
    assert len(catalog) >= 50
    untranslated = [msgid for msgid, text in catalog.items() if not text.strip()]
    assert untranslated == []
    assert all(re.search(r"[\uac00-\ud7a3]", text) for text in catalog.values())


def test_translations_keep_every_placeholder() -> None:
    for msgid, text in _catalog().items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(text)), msgid


def test_bold_text_closes_before_a_korean_particle() -> None:
    # CommonMark leaves "**(...)**을" unclosed: a closing ** after punctuation must not touch a Hangul letter
    from markdown_it import MarkdownIt

    html = MarkdownIt()
    for text in _catalog().values():
        if "**" in text:
            rendered = html.render(text.format_map(_Titles()))
            assert "**" not in rendered, text


class _Titles(dict[str, str]):
    """Placeholders filled with a title that ends in punctuation, as many curriculum titles do."""

    def __missing__(self, key: str) -> str:
        return "구성 요소(역할, 형식)"


def test_extraction_finds_no_string_missing_from_the_catalog() -> None:
    extracted = _extracted()
    assert "Session over: {answered} answer(s), {correct} correct, {partial} partly right." in extracted
    assert {"Your progress", "Your plan for %(week)s"} <= extracted, "the web pages' templates are extracted"
    missing = sorted(extracted - set(_catalog()))
    assert missing == [], "run pybabel extract/update (see skillcoach/i18n.py) and translate: " + repr(missing)


def test_the_compiled_catalog_is_the_po_file() -> None:
    # compiled in memory from the .po when first used: nothing compiled is kept that could go stale
    assert not list(Path(catalog_path("ko")).parent.glob("*.mo"))
    ko = translator("ko")
    for msgid, text in list(_catalog().items())[:20]:
        assert ko.gettext(msgid) == text
    assert translator("en").gettext("Correct.") == "Correct."


def test_lang_precedence_is_flag_then_stored_then_configured() -> None:
    assert resolve_lang("ko", "en", "en") == "ko"
    assert resolve_lang(None, "ko", "en") == "ko"
    assert resolve_lang(None, None, "ko") == "ko"
    assert resolve_lang(None, None, "en") == "en"


def test_an_unknown_language_is_a_one_line_user_error() -> None:
    assert check_lang(" KO ") == "ko"
    with pytest.raises(UnknownLanguage) as exc:
        check_lang("fr")
    assert "\n" not in str(exc.value) and "en, ko" in str(exc.value)
    with pytest.raises(InvalidProfile, match="lang: unknown language 'fr'"):
        parse_lang("fr")


def test_the_locale_and_the_environment_set_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert default_lang() == "ko" and Settings().lang == "ko"
    monkeypatch.setenv("SKILLCOACH_LANG", "en")
    assert Settings().lang == "en"  # the environment beats the locale
    monkeypatch.delenv("SKILLCOACH_LANG")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert default_lang() == "en"


def test_the_csv_lang_column_is_read_and_checked() -> None:
    parsed = parse_learners_csv("id,lang\nmina,ko\nada,EN\nbo,fr\n", known_skills=set())
    assert [(u.learner_id, u.fields.get("lang")) for u in parsed.updates] == [("mina", "ko"), ("ada", "en")]
    assert len(parsed.problems) == 1 and "lang" in parsed.problems[0]


def test_the_terminal_frame_speaks_the_learners_language() -> None:
    from skillcoach.app.cli.render import event_views, help_view, render_text
    from skillcoach.protocol import parse_event

    question = parse_event({"type": "question", "text": "프롬프트의 구성 요소는?", "awaiting": True, "number": 2,
                            "kind": "multi_select", "objective_id": "a/x", "item_id": "a/x/1", "difficulty": 1,
                            "mode": "learn", "has_hint": False,
                            "choices": [{"key": "a", "text": "역할"}, {"key": "b", "text": "작업"}]})
    korean = render_text([*event_views(question, translator("ko").gettext), help_view(translator("ko").gettext)])
    assert "문제 2" in korean and "(복수 선택)" in korean and "해당하는 것을 모두" in korean and "명령" in korean
    english = render_text(event_views(question))
    assert "Question 2" in english and "(multi select)" in english


def test_the_progress_view_speaks_the_learners_language() -> None:
    from skillcoach.app.cli.progress_view import progress_view
    from skillcoach.app.cli.render import render_text

    report = {"learner_id": "지민", "objectives_total": 2, "objective_status": {"a/x": "in_progress"},
              "skills": [{"title": "프롬프트 엔지니어링", "mastered": 0,
                          "objectives": [{"objective_id": "a/x", "title": "구조", "p_mastery": 0.4, "responses": 2,
                                          "mastered": False}]}],
              "reviews_due": [], "minutes_studied": 75, "study_days": 2, "streak_days": 2, "answers": 4, "correct": 3}
    korean = render_text([progress_view(report, _=translator("ko").gettext, lang="ko")])
    assert "지민님의 진도" in korean and "학습 중" in korean and "1시간 15분" in korean and "Reviews" not in korean
    english = render_text([progress_view(report)])
    assert "Progress of 지민" in english and "1 h 15 min" in english


def test_input_errors_show_in_the_learners_language() -> None:
    from skillcoach.app.inputs import BadInput, parse_line
    from skillcoach.grading.answers import InvalidAnswer, clean_text

    with pytest.raises(BadInput) as bad:
        parse_line("")
    assert str(bad.value).startswith("The line is empty: send {")  # English text unchanged
    assert bad.value.translated(translator("ko").gettext).startswith('빈 줄입니다. {"answer": ...}')
    with pytest.raises(InvalidAnswer) as empty:
        clean_text("   ", 100)
    assert "/skip" in empty.value.translated(translator("ko").gettext)
    assert HANGUL_RE.search(empty.value.translated(translator("ko").gettext))


HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
