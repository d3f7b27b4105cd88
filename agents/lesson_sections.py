"""A lesson's Markdown cut into titled sections that each fit one screen (terminal, web, API).

The lesson text keeps its full form in the event's ``text``; ``sections`` is the same text as
structure: explanation parts, a check for understanding after the first part, key points,
example, figures. Any composer's Markdown works: headings (``## X`` or a ``**X**`` line) start
sections, and long stretches are cut at paragraph ends (never inside a sentence).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from skillcoach.i18n import N_

# About 12 lines of 76 columns: a part plus its frame, title and prompt fit a 24-line screen.
MAX_PART_CHARS = 850
HEADING = re.compile(r"^(?:#{1,6}\s+(?P<hash>.+?)\s*#*|\*\*(?P<bold>[^*\n]+?)\*\*:?)\s*$")
CHECK_TITLE = N_("Check your understanding")
EXPLANATION = N_("Explanation")


def lesson_sections(text: str, title: str, *, check: bool = True,
                    _: Callable[[str], str] = N_) -> list[dict[str, str]]:
    """[{'title', 'text'}] for a lesson: the explanation in parts, a check, then the rest (frame in ``_``)."""
    sections: list[dict[str, str]] = []
    for heading, body in _by_heading(text, title, _(EXPLANATION)):
        parts = _parts(body)
        for n, part in enumerate(parts, 1):
            shown = heading if len(parts) == 1 else f"{heading} ({n}/{len(parts)})"
            sections.append({"title": shown, "text": part})
    if check and len(sections) > 1:
        sections.insert(1, {"title": _(CHECK_TITLE), "text": check_text(title, _)})
    return sections


def check_text(title: str, _: Callable[[str], str] = N_) -> str:
    """A self-explanation prompt: recalling before reading on is what makes a lesson stick."""
    return _("Before reading on, say in one or two sentences of your own what **{title}** is about "
             "and why it matters. Then press Enter and compare with the key points.").format(title=title)


def _by_heading(text: str, title: str, explanation: str = EXPLANATION) -> list[tuple[str, str]]:
    chunks: list[tuple[str, list[str]]] = [(explanation, [])]
    for line in text.splitlines():
        match = HEADING.match(line.strip())
        if match:
            name = (match.group("hash") or match.group("bold") or "").strip()
            chunks.append((explanation if name == title else name, []))
        else:
            chunks[-1][1].append(line)
    return [(name, "\n".join(lines).strip()) for name, lines in chunks if "\n".join(lines).strip()]


def _parts(body: str) -> list[str]:
    """Whole paragraphs packed into parts of at most MAX_PART_CHARS.

    A longer paragraph stays whole here; the terminal pages what still does not fit.
    """
    parts: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if parts and len(parts[-1]) + len(paragraph) + 2 <= MAX_PART_CHARS:
            parts[-1] += "\n\n" + paragraph
        else:
            parts.append(paragraph)
    return parts
