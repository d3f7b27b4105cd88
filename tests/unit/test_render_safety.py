"""Every curriculum string and a corpus of hostile learner input go through the terminal renderer:
nothing is lost, nothing is read as Rich markup or raw HTML."""

from __future__ import annotations

import re

import pytest

from agents.composer import OfflineComposer
from agents.events import lesson
from skillcoach.app.cli.progress_view import progress_view
from skillcoach.app.cli.render import event_views, lesson_screens, make_console, render_text, visible
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.models import Objective
from tests.conftest import CURRICULUM
from tests.helpers import shown_event

CUR = load_curriculum(CURRICULUM)
WORD = re.compile(r"[A-Za-z0-9]+|[<>\[\]{}$%&@#]")
HOSTILE = [
    "[b]", "/foo[/dim]", "[/]", "[red]alarm[/red]", "[link=https://x.example]click[/link]", "<ticket>",
    "<script>alert(1)</script>", "**not bold**", "_under_", "`tick`", "# not a heading", "> not a quote",
    "[text](https://example.com)", "\\[escaped\\]", ":smile: :thumbs_up:", "&amp; &lt;", "${HOME} %s {0}",
    "a\\b\\c", "[[double]]", "[bold red on white]x", "\u202eevil rtl", "emoji 🧠 ok", "tabs\tand  spaces",
    "\x1b[2Jwiped \x1b[31mred",
]


def squeeze(text: str) -> str:
    """Whitespace runs as one space (tabs become spaces on screen)."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return WORD.findall(text.replace("**", "").replace("\\", ""))


def is_subsequence(needle: list[str], hay: list[str]) -> bool:
    it = iter(hay)
    return all(any(w == h for h in it) for w in needle)


def lesson_text(objective: Objective) -> str:
    console = make_console(width=80)
    text = OfflineComposer().lesson(objective, "Next objective")
    return render_text(lesson_screens(console, lesson(objective, text, awaiting=True)))


@pytest.mark.parametrize("objective", list(CUR.objectives.values()), ids=lambda o: o.id)
def test_every_lesson_renders_every_word_in_order(objective: Objective) -> None:
    shown = words(lesson_text(objective))
    for source in [objective.title, objective.explanation, *objective.key_points, objective.example,
                   *(f.claim for f in objective.facts)]:
        assert is_subsequence(words(source), shown), source[:80]


@pytest.mark.parametrize("objective", list(CUR.objectives.values()), ids=lambda o: o.id)
def test_every_item_and_its_feedback_render_in_full(objective: Objective) -> None:
    for item in objective.items:
        question = shown_event("question", item.prompt, kind=item.kind.value, number=1,
                         choices=[{"key": c.key, "text": c.text} for c in item.choices])
        shown = words(render_text(event_views(question)))
        for source in [item.prompt, *(c.text for c in item.choices)]:
            assert is_subsequence(words(source), shown), (item.id, source)
        for text in [item.explanation, item.hint or "", item.wrong_feedback or "",
                     *(c.feedback or "" for c in item.choices)]:
            panel = render_text(event_views(shown_event("feedback", text, verdict="wrong")))
            assert is_subsequence(words(text), words(panel)), (item.id, text)


def test_tags_in_curriculum_markdown_stay_visible() -> None:
    shown = render_text(event_views(shown_event("feedback", "Put the complaint inside <ticket> tags, **then** ask.",
                                          verdict="correct")))
    assert "<ticket>" in shown and "then ask" in shown and "**" not in shown


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("kind", ["error", "notice", "plan"])
def test_hostile_learner_text_is_shown_exactly(hostile: str, kind: str) -> None:
    shown = render_text(event_views(shown_event(kind, f"'{hostile}' is not one of the choices")))
    # Invisible controls (an ANSI escape's ESC, a bidi override) are shown as escapes: kept, never obeyed.
    assert squeeze(visible(f"'{hostile}' is not one of the choices")) in squeeze(shown)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_in_choices_and_progress_titles_is_literal(hostile: str) -> None:
    question = shown_event("question", "Pick one.", kind="mcq", number=1, choices=[{"key": "a", "text": hostile}])
    assert squeeze(visible(hostile)) in squeeze(render_text(event_views(question)))
    report = {"learner_id": hostile, "objectives_total": 1, "skills": [
        {"title": hostile, "mastered": 0, "objectives": [
            {"objective_id": "s/o", "title": hostile, "p_mastery": 0.5, "responses": 2, "mastered": False}]}],
        "reviews_due": [], "objective_status": {"s/o": "in_progress"}, "answers": 2, "correct": 1}
    shown = render_text([progress_view(report)])
    assert squeeze(visible(hostile)[:20]) in squeeze(shown)
