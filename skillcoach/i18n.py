"""Message catalogs: every fixed string a learner sees, in their language (gettext via Babel).

Strings are marked ``_("...")`` where a translator is at hand (``_ = context.gettext``) and ``N_("...")``
where they are defined ahead of use (module constants), then translated with ``gettext(text)``.
The catalogs are ``skillcoach/locales/<lang>/LC_MESSAGES/skillcoach.po``, compiled in memory when
first used, so a compiled catalog can never be older than its ``.po`` (nothing compiled is kept in git).

Update them after changing marked strings (keywords: ``_``, ``N_``, ``ngettext``)::

    pybabel extract -F babel.cfg -k N_ --no-location -o skillcoach/locales/skillcoach.pot .
    pybabel update -i skillcoach/locales/skillcoach.pot -d skillcoach/locales -D skillcoach --no-fuzzy-matching -w 120

(babel.cfg's patterns are relative to the repository root, so extract from ``.``; it covers the web templates.)

One translator per language, shared read-only: a learner's context carries the one of their language,
so two learners of different languages in one process never share a global ``_``.
"""

from __future__ import annotations

import gettext
import io
import threading
from datetime import date
from pathlib import Path

from skillcoach.errors import SkillcoachError

LANGUAGES = ("en", "ko")
SOURCE_LANG = "en"  # the msgids are English
DOMAIN = "skillcoach"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
KEYWORDS = ("_", "N_", "gettext", "ngettext")
# How prompts name a language to the model ("Write everything the learner reads in {{language}}.")
LANGUAGE_NAMES = {"en": "English", "ko": "Korean (한국어; keep English technical terms in parentheses)"}

_cache: dict[str, gettext.NullTranslations] = {}
_cache_lock = threading.Lock()


class UnknownLanguage(SkillcoachError, ValueError):
    """A language the coach does not speak."""

    def __init__(self, lang: str):
        msgid = "unknown language {lang!r}: use one of {languages}"  # marked in _MARKED below (N_ comes later)
        super().__init__(msgid.format(lang=lang, languages=", ".join(LANGUAGES)))
        self.msgid, self.values = msgid, {"lang": lang, "languages": ", ".join(LANGUAGES)}


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark now, translate later"
    """Mark ``text`` for extraction without translating it (translate where it is shown)."""
    return text


_MARKED = N_("unknown language {lang!r}: use one of {languages}")


def check_lang(lang: str) -> str:
    """'KO' -> 'ko'; a language the coach does not speak raises ``UnknownLanguage`` (one line)."""
    code = lang.strip().lower()
    if code not in LANGUAGES:
        raise UnknownLanguage(lang)
    return code


def resolve_lang(flag: str | None, stored: str | None, configured: str) -> str:
    """The language to coach in: the flag, else the learner's stored one, else SKILLCOACH_LANG/the locale."""
    return check_lang(flag or stored or configured)


def language_name(lang: str) -> str:
    """The language as a prompt names it to a model."""
    return LANGUAGE_NAMES[check_lang(lang)]


# Day formats: (strftime for English, as the coach always wrote them; CLDR pattern for other languages)
DAY_FORMATS = {"short": ("%a %d %b", "MMM d일 (EEE)"), "weekday": ("%A", "EEEE"), "long": ("%A %d %B", "MMMM d일 EEEE")}


def format_day(day: date, style: str, lang: str) -> str:
    """A date as the learner reads it: "Wed 02 Dec" in English, "12월 2일 (수)" in Korean."""
    english, pattern = DAY_FORMATS[style]
    if lang == SOURCE_LANG:
        return day.strftime(english)
    from babel.dates import format_date

    return str(format_date(day, pattern, locale=lang))


def catalog_path(lang: str) -> Path:
    """Where the ``.po`` catalog of ``lang`` lives."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translator(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang`` (English: the msgids themselves), compiled once per process."""
    lang = check_lang(lang)
    with _cache_lock:
        if lang not in _cache:
            _cache[lang] = _compile(lang)
        return _cache[lang]


def _compile(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE_LANG:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they fall back to English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
