"""Citations a learner can follow: article title (original and English), date and heading.

Faces call :func:`cite` (text) or :func:`cite_fields` (structured JSON fields) on a fact's or an
objective's source reference; they never see the seed file a source's text is stored in. The
catalog resolves every reference against ``sources.yaml`` when it loads the curriculum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from skillcoach.curriculum.models import Fact, Heading, Objective, Source, SourceRef

Style = Literal["en", "ko"]


def citation_style(lang: str) -> Style:
    """The citation style for a learner's language: Korean citations for Korean, English otherwise."""
    return "ko" if lang == "ko" else "en"


@dataclass(frozen=True)
class Citation:
    """Where in a source article a fact comes from, in the words a learner needs to find it."""

    title: str  # the article's own title
    title_en: str
    date: str  # ISO date, or "" when the article gives none
    circa: str  # a short estimate for an undated article
    heading: str  # exactly as written in the article
    heading_en: str
    kind: str  # heading | name | opening (see models.Heading)

    def date_label(self, style: Style = "en") -> str:
        """Return the article's date, or "undated" with its estimated period, in English or Korean."""
        if self.date:
            return self.date
        if style == "ko":
            return f"날짜 없음, {self.circa} 추정" if self.circa else "날짜 없음"
        return f"undated, c. {self.circa}" if self.circa else "undated"

    def heading_label(self, style: Style = "en") -> str:
        """Return the cited heading as a learner can find it, with its English rendering where it differs."""
        if self.kind == "opening":
            if style == "ko":
                return f"“{self.heading}…”로 시작하는 부분"
            return f"{self.heading_en} (part opening “{self.heading}…”)"
        if style == "ko" or not self.heading_en or self.heading_en == self.heading:
            return self.heading
        return f"{self.heading} ({self.heading_en})"

    def source_label(self, style: Style = "en") -> str:
        """Return the article's title and date as shown in a citation, with the English title in English style."""
        if style == "ko":
            return f"「{self.title}」 ({self.date_label('ko')})"
        return f"「{self.title}」 (“{self.title_en}”, {self.date_label()})"

    def text(self, style: Style = "en") -> str:
        """Return the full citation: source title and date, then the heading."""
        return f"{self.source_label(style)}, {self.heading_label(style)}"

    def fields(self) -> dict[str, str]:
        """Return the structured citation fields that passages and tool results carry."""
        return {"source_title": self.title, "source_title_en": self.title_en,
                "source_date": self.date or self.date_label(), "heading": self.heading}


class CitedRef(SourceRef):
    """A source reference the catalog has resolved against sources.yaml (never written in YAML)."""

    citation: Citation


def resolve(ref: SourceRef, sources: Mapping[str, Source]) -> SourceRef:
    """``ref`` with its citation attached, or ``ref`` unchanged when its source or heading is unknown."""
    source = sources.get(ref.id)
    heading = source.heading(ref.heading) if source else None
    if source is None or heading is None:
        return ref
    return CitedRef(id=ref.id, heading=ref.heading, citation=citation_of(source, heading))


def citation_of(source: Source, heading: Heading) -> Citation:
    """Build the citation of one heading of a source article."""
    return Citation(source.title.original, source.title.en, source.date.isoformat() if source.date else "",
                    source.circa or "", heading.text, heading.en or heading.text, heading.kind)


def resolve_objective(objective: Objective, sources: Mapping[str, Source]) -> Objective:
    """Return the objective with each fact's and reference's source id resolved to its citation."""
    facts = [f.model_copy(update={"source": resolve(f.source, sources)}) for f in objective.facts]
    refs = [resolve(r, sources) for r in objective.sources]
    return objective.model_copy(update={"facts": facts, "sources": refs})


def cite(ref: SourceRef, style: Style = "en") -> str:
    """The citation a learner sees; an unresolved reference shows its id and heading, never a file."""
    if isinstance(ref, CitedRef):
        return ref.citation.text(style)
    return f"{ref.id}, {ref.heading}"


def cite_fields(ref: SourceRef) -> dict[str, str]:
    """Structured citation fields for JSON faces: source_title, source_title_en, source_date, heading."""
    if isinstance(ref, CitedRef):
        return ref.citation.fields()
    return {"source_title": ref.id, "source_title_en": ref.id, "source_date": "", "heading": ref.heading}


def cite_all(refs: Iterable[SourceRef], style: Style = "en") -> str:
    """Several references, each source named once with its headings: "「A」 (...), h1, h2; 「B」 (...), h3"."""
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        if isinstance(ref, CitedRef):
            label, heading = ref.citation.source_label(style), ref.citation.heading_label(style)
        else:
            label, heading = ref.id, ref.heading
        headings = grouped.setdefault(label, [])
        if heading not in headings:
            headings.append(heading)
    return "; ".join(f"{label}, {', '.join(headings)}" for label, headings in grouped.items())


def fact_text(fact: Fact) -> str:
    """A fact as a learner reads it: the claim, then what changed since, when anything did."""
    return f"{fact.claim.strip()} Since then: {fact.since.strip()}" if fact.since else fact.claim.strip()


def fact_line(fact: Fact, style: Style = "en") -> str:
    """One Markdown line for a lesson: the fact (with any later change) and its citation."""
    return f"{fact_text(fact)} _({cite(fact.source, style)})_"
