"""Screens fit 80x24: feedback stays on screen until Enter, lessons are paged, tall blocks are cut."""

from __future__ import annotations

from agents.composer import OfflineComposer
from agents.events import lesson
from skillcoach.app.cli.render import make_console
from skillcoach.app.cli.screen import SCREEN_LINES, Screen, height
from skillcoach.curriculum.catalog import load_curriculum
from tests.conftest import CURRICULUM
from tests.helpers import shown_event

CUR = load_curriculum(CURRICULUM)


def test_the_next_lesson_waits_for_enter_after_feedback_and_every_screen_fits() -> None:
    console = make_console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    screen = Screen(console)
    objective = next(iter(CUR.objectives.values()))
    feedback = shown_event("feedback", "Not quite.\n\n" + "Because of this and that. " * 12 + "\n\nMastery: 40%",
                     verdict="wrong")
    new_lesson = lesson(objective, OfflineComposer().lesson(objective, "Next"), awaiting=True)
    screen.show([feedback, shown_event("plan", f"Learn: {objective.title}."), new_lesson], new_lesson)
    first = console.export_text()
    assert "Not quite." in first and "Explanation (1/" not in first, "the lesson does not push the feedback away"
    assert screen.waiting, "the lesson waits for Enter"
    pages = 0
    while screen.waiting:
        unit = screen.waiting[0]
        assert sum(height(console, r) for r in unit) <= SCREEN_LINES
        assert screen.next_screen(new_lesson)
        pages += 1
    assert pages >= len(new_lesson["sections"])
    assert not screen.next_screen(new_lesson), "Enter on the last part goes to the coach (start practising)"


def test_a_block_taller_than_a_screen_is_cut_into_screens() -> None:
    console = make_console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    screen = Screen(console)
    long_answer = "\n\n".join(f"Paragraph {n}: " + "words " * 30 for n in range(12))
    screen.show([shown_event("answer", long_answer)], None)
    assert screen.waiting
    while screen.next_screen(None):
        pass
    shown = console.export_text()
    assert "Paragraph 0" in shown and "Paragraph 11" in shown
