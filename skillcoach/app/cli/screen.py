"""What the learner sees, one screen at a time.

Events are packed into screens of at most 22 lines, and a lesson is paged part by part, so feedback
never scrolls away before the learner presses Enter.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, RenderableType
from rich.text import Text

from skillcoach.app.cli.progress_view import progress_view
from skillcoach.app.cli.render import HEIGHT, WIDTH, event_views, lesson_screens, plain
from skillcoach.i18n import N_, SOURCE_LANG
from skillcoach.protocol import Event, Lesson, Notice, Pending, Question, Summary

# Lines a screen may use: the hint under it and the input line take the rest.
SCREEN_LINES = HEIGHT - 2


class Screen:
    """Shows events as screens; keeps the ones not shown yet until the learner presses Enter."""

    def __init__(self, console: Console, _: Callable[[str], str] = N_, lang: str = SOURCE_LANG):
        self.console, self._, self.lang = console, _, lang  # the learner's language and its translator
        self.waiting: list[list[RenderableType]] = []

    def show(self, events: list[Event], pending: Pending | None) -> None:
        """Show the first screen of these events; later screens wait for Enter."""
        blocks = self._blocks(events)
        if any(isinstance(ev, Lesson | Question | Summary) for ev in events):
            self.waiting = []  # a new lesson or question replaces pages of the old one
        units = pack(self.console, blocks)
        if units:
            self.waiting = units[1:] + self.waiting
            self._print(units[0])
        self.hint(pending)

    def next_screen(self, pending: Pending | None) -> bool:
        """Show the next waiting screen; False when none waits."""
        if not self.waiting:
            return False
        self._print(self.waiting.pop(0))
        self.hint(pending)
        return True

    def hint(self, pending: Pending | None) -> None:
        """Print the keys that move on: Enter for the next screen, or to start practising after a lesson."""
        _ = self._
        if self.waiting:
            self.console.print(plain(_("Enter: go on · ?question: ask the tutor · /help"), "dim"))
        elif isinstance(pending, Lesson):
            self.console.print(plain(_("Enter: start practising · ?question: ask the tutor · /help"), "dim"))

    def _print(self, unit: list[RenderableType]) -> None:
        for renderable in unit:
            self.console.print(renderable)

    def _blocks(self, events: list[Event]) -> list[tuple[RenderableType, bool]]:
        """(renderable, starts a page) pairs: each lesson page starts a screen of its own."""
        blocks: list[tuple[RenderableType, bool]] = []
        for ev in events:
            if isinstance(ev, Lesson):
                blocks += [(panel, True) for panel in lesson_screens(self.console, ev, self._)]
            elif isinstance(ev, Notice) and ev.progress is not None:
                blocks.append((progress_view(ev.progress, detail=False, _=self._, lang=self.lang), False))
            else:
                blocks += [(view, False) for view in event_views(ev, self._)]
        return blocks


def height(console: Console, renderable: RenderableType) -> int:
    """Return how many terminal lines a renderable takes at the screen width."""
    return len(console.render_lines(renderable, console.options.update_width(WIDTH), pad=False))


def pack(console: Console, blocks: list[tuple[RenderableType, bool]]) -> list[list[RenderableType]]:
    """Pack blocks greedily into screens of at most SCREEN_LINES lines.

    Each lesson page starts a screen unless only short notices precede it; a block taller than a
    screen is cut into screen-sized pieces.
    """
    units: list[list[RenderableType]] = []
    used, has_page = 0, False
    for renderable, page in blocks:
        for piece in split_tall(console, renderable):
            lines = height(console, piece)
            if units and used + lines <= SCREEN_LINES and not (page and (has_page or used > SCREEN_LINES // 3)):
                units[-1].append(piece)
                used += lines
            else:
                units.append([piece])
                used, has_page = lines, False
            has_page = has_page or page
    return units


def split_tall(console: Console, renderable: RenderableType) -> list[RenderableType]:
    """The renderable itself, or its rendered lines in screen-sized pieces when it is too tall."""
    lines = console.render_lines(renderable, console.options.update_width(WIDTH), pad=False)
    if len(lines) <= SCREEN_LINES:
        return [renderable]
    texts = [Text("").join(Text(seg.text, style=seg.style or "") for seg in line) for line in lines]
    step = SCREEN_LINES - 1
    return [Text("\n").join(texts[n:n + step]) for n in range(0, len(texts), step)]


def welcome(console: Console, _: Callable[[str], str] = N_) -> None:
    """Print the title line with the keys a learner needs: Enter, ?question and /help."""
    console.print(Text.assemble(("skillcoach", "bold"),
                                ("  " + _("Enter moves on · ?question asks the tutor · /help lists commands"), "dim")))
