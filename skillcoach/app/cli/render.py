"""Safe rendering for the terminal: every text goes through Text (never markup) or SafeMarkdown.

Curriculum text is Markdown: ``**bold**`` renders, but raw HTML such as ``<ticket>`` is shown
literally (Rich's Markdown drops it otherwise). Learner text (answers, questions, ids, error
messages that quote them) is always plain ``Text``, so ``[b]`` is the three characters "[b]".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markdown_it import MarkdownIt
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from skillcoach.i18n import N_
from skillcoach.protocol import Answer, Error, Event, Feedback, Lesson, Plan, Question, Summary

Translate = Callable[[str], str]
WIDTH = 80
HEIGHT = 24
# A lesson page: panel frame (2) + the prompt line under it (1) + the input line (1) + a spare
# line for the notice that may precede it, within 24 lines.
PAGE_LINES = HEIGHT - 6
STYLE = {"correct": "green", "partial": "yellow", "wrong": "red"}
COMMANDS_HELP = (
    ("1 / a / t", N_("answer: a choice number or letter, 1 3 or a,c for several, t/f, or free text")),
    ("Enter", N_("next part of a lesson; after the last part, start practising")),
    ("?QUESTION", N_("ask the tutor (answers from the curriculum, with sources)")),
    ("/hint", N_("a hint for the question on the table")),
    ("/skip", N_("skip this question")),
    ("/progress", N_("mastery bars, reviews due, streak and time studied")),
    ("/dispute", N_("dispute the last grade: it stops counting until it is re-graded")),
    ("/help", N_("this list")),
    ("/quit", N_("end the session with a summary (Ctrl-D leaves it open to resume)")),
)


class SafeMarkdown(Markdown):
    """Rich Markdown with raw HTML disabled, so tags in the text stay visible as text."""

    def __init__(self, markup: str, **kwargs: Any) -> None:
        super().__init__(markup, **kwargs)
        parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")
        self.parsed = parser.parse(markup)


def make_console(**kwargs: Any) -> Console:
    """The terminal console; highlighting off so learner text keeps its own look."""
    return Console(highlight=False, **kwargs)


def plain(text: Any, style: str = "") -> Text:
    """Text shown exactly as given (no markup, no Markdown).

    Tabs become spaces so widths are right; control characters (an ANSI escape's ESC) are shown as
    escapes rather than sent to the terminal.
    """
    return Text(visible(str(text).expandtabs(4)), style=style)


def visible(text: str) -> str:
    """Control characters (ESC of an ANSI sequence, NUL, ...) and lone surrogates shown as escapes, not sent raw."""
    return "".join(ch if ch.isprintable() or ch in " \n\t" else repr(ch)[1:-1] for ch in text)


def help_view(_: Translate = N_) -> RenderableType:
    """Render the list of session commands and what each does."""
    lines = [Text.assemble((f"  {key:<11}", "cyan"), _(what)) for key, what in COMMANDS_HELP]
    return Group(Text(_("Commands"), style="bold"), *lines)


def page_lines(console: Console, markdown: str, width: int = WIDTH - 4, lines: int = PAGE_LINES) -> list[Text]:
    """A section rendered at the panel's inner width, cut into pages of at most ``lines`` lines."""
    options = console.options.update_width(width)
    rendered = console.render_lines(SafeMarkdown(markdown), options, pad=False)
    texts = [Text("").join(Text(seg.text, style=seg.style or "") for seg in line) for line in rendered]
    while texts and not texts[-1].plain.strip():
        texts.pop()
    return [Text("\n").join(texts[start:start + lines]) for start in range(0, len(texts), lines)] or [Text("")]


def lesson_screens(console: Console, ev: Lesson, _: Translate = N_) -> list[Panel]:
    """The lesson as panels that each fit a 24-line screen, in reading order (frame in ``_``'s language)."""
    sections = [(s.title, s.text) for s in ev.sections] or [(ev.title or _("Lesson"), ev.text)]
    heading = _("Once more") if ev.remediation else ev.title or _("Lesson")
    screens: list[tuple[str, Text]] = []
    for title, text in sections:
        pages = page_lines(console, text)
        for n, page in enumerate(pages, 1):
            name = title if len(pages) == 1 else f"{title} ({n}/{len(pages)})"
            screens.append((name, page))
    total = len(screens)
    return [Panel(body, title=plain(clip(f"{name} · {heading}", WIDTH - 8)),
                  subtitle=plain(f"{n}/{total}"), subtitle_align="right", width=WIDTH)
            for n, (name, body) in enumerate(screens, 1)]


def clip(text: str, width: int) -> str:
    """The text, or its first width-1 characters and an ellipsis."""
    return text if len(text) <= width else text[:width - 1] + "…"


KIND_LABEL = {"mcq": N_("mcq"), "multi_select": N_("multi select"), "true_false": N_("true false"),
              "short_answer": N_("short answer"), "ordering": N_("ordering")}


def question_view(ev: Question, _: Translate = N_) -> RenderableType:
    """Render a question event: its number, kind, stem and numbered choices."""
    kind = ev.kind
    head = Text.assemble((_("Question {number}").format(number=ev.number), "bold"), " ",
                         (f"({_(KIND_LABEL[kind]) if kind in KIND_LABEL else kind.replace('_', ' ')})", "dim"))
    rows: list[RenderableType] = [Text(""), head, SafeMarkdown(display_stem(ev))]
    if ev.choices:
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(overflow="fold")
        for n, choice in enumerate(ev.choices, 1):
            grid.add_row(Text.assemble(("  " + str(n), "cyan"), f" ({choice.key})"), plain(choice.text))
        rows.append(grid)
    if ev.kind == "multi_select":
        rows.append(plain(_("Pick all that apply, e.g. 1 3."), "dim"))
    return Group(*rows)


def display_stem(ev: Question) -> str:
    """The question text; a true/false stem wrapped in quote marks by its author shows without them."""
    text = ev.text.strip()
    if ev.kind == "true_false" and len(text) > 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def event_views(ev: Event, _: Translate = N_) -> list[RenderableType]:
    """Everything but lessons (which the terminal pages): one event as renderables."""
    if isinstance(ev, Question):
        return [question_view(ev, _)]
    if isinstance(ev, Feedback):
        return [Panel(SafeMarkdown(ev.text), border_style=STYLE.get(ev.verdict, "white"), width=WIDTH)]
    if isinstance(ev, Answer | Summary):
        return [SafeMarkdown(ev.text)]
    if isinstance(ev, Plan):
        return [plain(ev.text, "bold")]
    if isinstance(ev, Error):
        return [plain(ev.text, "red")]
    return [plain(ev.text, "dim")]


def render_text(renderables: Iterable[RenderableType], width: int = WIDTH) -> str:
    """What the renderables look like as plain text at ``width`` columns (tests, captures)."""
    console = make_console(width=width, record=True, file=_Null(), color_system=None)
    for item in renderables:
        console.print(item)
    return console.export_text()


class _Null:
    """A file that drops what it is given (the recording console keeps the text)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
