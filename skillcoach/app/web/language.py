"""The pages in the learner's language: per-request gettext callables for Jinja2's i18n extension."""

from __future__ import annotations

from typing import Any

from jinja2.ext import _make_new_gettext, _make_new_ngettext  # the callables install_gettext_callables makes

from skillcoach.i18n import N_, translator

# What coach.js writes itself (event text arrives translated); the page hands it these, translated.
SCRIPT_STRINGS = (
    N_("Plan"), N_("Lesson"), N_("Question"), N_("Feedback"), N_("Tutor"), N_("Summary"), N_("Note"),
    N_("Problem"), N_("Progress"), N_("The server sent no answer."), N_("mastery"), N_("objective mastered!"),
    N_("You"), N_("Choices"), N_("Your answer"), N_("Pick all that apply."), N_("Submit answer"),
    N_("Start practising (n)"), N_("Continue"), N_("Session finished"),
    N_("Well done. Start a new session, or see your progress."), N_("New session"), N_("Working…"),
    N_("Something went wrong; try again."), N_("The server cannot be reached; your session is saved, try again."),
    N_("Choose or type an answer first."), N_("Hint, please"), N_("Skip"),
    N_("correct"), N_("partial"), N_("incorrect"), N_("mcq"), N_("multi select"), N_("true false"),
    N_("short answer"),
)


def page_language(lang: str) -> dict[str, Any]:
    """Template variables that render a page in ``lang``: ``gettext``/``ngettext``/``_`` and the script's strings.

    They go into each page's own context, never into the environment's globals: one server renders pages for
    learners of different languages at once, and the globals stay English (``install_null_translations``).
    """
    found = translator(lang)
    gettext = _make_new_gettext(found.gettext)
    return {"lang": lang, "gettext": gettext, "_": gettext, "ngettext": _make_new_ngettext(found.ngettext),
            "script_strings": {text: shown for text in SCRIPT_STRINGS if (shown := found.gettext(text)) != text}}


# The planner's modes as the dashboard names them (``_(data.next.mode)``)
MODES = (N_("learn"), N_("review"))
