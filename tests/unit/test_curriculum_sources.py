"""Sources as records: headings checked against the articles, fact dates, claim coverage, freshness, citations."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.composer import OfflineComposer
from skillcoach.curriculum.audit import InvalidAge, coverage, parse_age, stale_facts
from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.citations import Citation, CitedRef, cite, cite_fields, fact_line
from skillcoach.curriculum.loader import read_dir
from skillcoach.curriculum.models import Heading, SourceRef
from skillcoach.curriculum.search import CurriculumIndex
from skillcoach.curriculum.seeds import SEEDS_ENV, find_seeds_dir, heading_problem
from skillcoach.curriculum.validate import check
from tests.conftest import CURRICULUM

TODAY = dt.date(2026, 12, 2)
# A seed file name ("000_1c73dd4727f87371.txt"), any .txt file, or talk of "seed 000" / "the seeds".
FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{6,}|\.txt\b|\bseeds?\b", re.IGNORECASE)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    for name in ("sources.yaml", "claims.yaml", "prompt-engineering.yaml", "ai-agents.yaml", "rag.yaml"):
        shutil.copy(CURRICULUM / name, tmp_path / name)
    return tmp_path


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def problems(directory: Path, seeds_dir: Path | None = None) -> list[str]:
    return [str(p) for p in check(read_dir(directory), seeds_dir=seeds_dir, today=TODAY)]


def first_fact(data: dict[str, Any]) -> dict[str, Any]:
    return data["objectives"][0]["facts"][0]  # type: ignore[no-any-return]


# --- headings --------------------------------------------------------------------------------------------------

def test_fact_citing_a_heading_the_source_does_not_have(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: first_fact(d)["source"].update(heading="4. RAG"))
    found = problems(broken)
    assert len(found) == 1
    assert found[0].startswith("rag.yaml: objectives[rag/why-rag].facts[0].source:")
    assert "'4. RAG' is not a heading of nine-competencies" in found[0]


def test_heading_kinds_are_checked_against_the_text() -> None:
    text = "intro line\n\n## 결론: 요약\n\n**굵은 제목**\n\nRAG는 검색을 붙입니다.\nAI Agents는 계획합니다.\n"
    assert heading_problem(Heading(text="결론: 요약"), text) is None
    assert heading_problem(Heading(text="굵은 제목"), text) is None
    assert heading_problem(Heading(text="RAG는 검색"), text) == "is not a heading line of the article"
    assert heading_problem(Heading(text="AI Agents", kind="name"), text) is None
    assert heading_problem(Heading(text="RAG", kind="name", opens="RAG는 검색을"), text) is None
    assert heading_problem(Heading(text="Video", kind="name"), text) == "does not occur in the article"
    assert heading_problem(Heading(text="intro", kind="opening", en="introduction"), text) is None
    assert "opens with" in str(heading_problem(Heading(text="요약", kind="opening"), text))


def fake_seeds(tmp_path: Path, drop: str | None = None) -> Path:
    """Seed texts written from sources.yaml's own headings (optionally leaving one out)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir(parents=True)
    for source in yaml.safe_load((CURRICULUM / "sources.yaml").read_text())["sources"]:
        lines = []
        for h in source["headings"]:
            if h["text"] == drop:
                continue
            kind = h.get("kind", "heading")
            lines.append(f"## {h['text']}" if kind == "heading" else f"{h.get('opens') or h['text']} ...")
            if kind == "name" and h.get("opens"):
                lines.append(f"... {h['text']} ...")
        (seeds / source["file"]).write_text("\n\n".join(lines), encoding="utf-8")
    return seeds


def test_headings_are_checked_against_the_seed_text_when_it_is_there(broken: Path, tmp_path: Path) -> None:
    assert problems(broken, fake_seeds(tmp_path / "ok")) == []
    found = problems(broken, fake_seeds(tmp_path / "dropped", drop="최고 수준의 하이라이트"))
    assert found == ["sources.yaml: sources[aie-two-years].headings: '최고 수준의 하이라이트' "
                     "is not a heading line of the article"]


def test_a_missing_seed_file_is_reported(broken: Path, tmp_path: Path) -> None:
    seeds = fake_seeds(tmp_path)
    next(seeds.glob("003_*")).unlink()
    found = problems(broken, seeds)
    assert len(found) == 1 and "sources[smart-ai-everywhere].file: source text not found" in found[0]


def test_shipped_headings_exist_in_the_real_articles() -> None:
    seeds = find_seeds_dir(CURRICULUM)
    if seeds is None:
        pytest.skip(f"no shared/seeds above {CURRICULUM} and {SEEDS_ENV} unset: checked against sources.yaml only")
    assert problems(CURRICULUM, seeds) == []


def test_seeds_dir_is_found_beside_the_repo_or_by_environment(tmp_path: Path) -> None:
    curriculum = tmp_path / "repo" / "config" / "curriculum"
    curriculum.mkdir(parents=True)
    assert find_seeds_dir(curriculum, env={}) is None
    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    assert find_seeds_dir(curriculum, env={}) == (tmp_path / "shared" / "seeds").resolve()
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert find_seeds_dir(curriculum, env={SEEDS_ENV: str(other)}) == other
    assert find_seeds_dir(curriculum, env={SEEDS_ENV: str(tmp_path / "missing")}) is None


# --- dates ------------------------------------------------------------------------------------------------------

def test_every_shipped_fact_has_both_dates() -> None:
    raw = read_dir(CURRICULUM)
    facts = [f for s in raw.skills.values() for o in s.objectives for f in o.facts]
    assert facts and all(f.as_of and f.checked for f in facts)


@pytest.mark.parametrize("field", ["as_of", "checked"])
def test_a_fact_without_a_date_is_a_problem(broken: Path, field: str) -> None:
    edit(broken / "rag.yaml", lambda d: first_fact(d).pop(field))
    assert any(f"facts[0].{field}: Field required" in p for p in problems(broken))


def test_impossible_dates_are_problems(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: first_fact(d).update(checked=dt.date(2027, 1, 1)))
    assert any("facts[0].checked: 2027-01-01 is in the future" in p for p in problems(broken))
    edit(broken / "rag.yaml", lambda d: first_fact(d).update(checked=dt.date(2025, 1, 1)))
    assert any("facts[0].as_of: 2025-12-28 is after checked (2025-01-01)" in p for p in problems(broken))
    edit(broken / "rag.yaml", lambda d: first_fact(d).update(as_of="December 2025"))
    assert any("facts[0].as_of: String should match pattern" in p for p in problems(broken))


def test_an_undated_source_needs_a_note(broken: Path) -> None:
    def undate(d: dict[str, Any]) -> None:
        d["sources"][0]["date"] = None
    edit(broken / "sources.yaml", undate)
    assert any("an undated source needs a note" in p for p in problems(broken))


# --- coverage ---------------------------------------------------------------------------------------------------

def test_shipped_curriculum_covers_at_least_97_percent_of_claims() -> None:
    report = coverage(read_dir(CURRICULUM))
    assert report.total >= 150 and report.share >= 0.97, [c.id for c in report.uncovered]


def test_coverage_lists_claims_no_fact_covers(broken: Path) -> None:
    before = coverage(read_dir(broken))
    covered = first_fact(yaml.safe_load((broken / "rag.yaml").read_text()))["covers"]
    edit(broken / "rag.yaml", lambda d: first_fact(d).update(covers=[]))
    after = coverage(read_dir(broken))
    newly = {c.id for c in after.uncovered} - {c.id for c in before.uncovered}
    assert newly == set(covered) and after.covered == before.covered - len(covered)


def test_covering_an_unknown_claim_is_a_problem(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: first_fact(d).update(covers=["nine-competencies/999"]))
    assert any("unknown claim 'nine-competencies/999'" in p for p in problems(broken))


def test_claims_name_real_sources_and_headings(broken: Path) -> None:
    def bend(d: dict[str, Any]) -> None:
        d["claims"][0]["heading"] = "Intro"
        d["claims"][1]["source"] = "blog"
    edit(broken / "claims.yaml", bend)
    found = problems(broken)
    assert any("claims.yaml: claims[nine-competencies/01].heading: 'Intro' is not a heading" in p for p in found)
    assert any("claims.yaml: claims[nine-competencies/02].source: unknown source 'blog'" in p for p in found)


# --- freshness --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "days"), [("180d", 180), ("26w", 182), (" 7D ", 7), ("0d", 0)])
def test_ages_in_days_or_weeks(text: str, days: int) -> None:
    assert parse_age(text) == dt.timedelta(days=days)


@pytest.mark.parametrize("text", ["180", "d", "-5d", "1y", "", "six months", "1.5w"])
def test_bad_ages_are_refused_with_a_usable_message(text: str) -> None:
    with pytest.raises(InvalidAge, match="give an age in days or weeks, e.g. 180d or 26w"):
        parse_age(text)


def test_stale_facts_are_those_checked_before_the_cutoff() -> None:
    raw = read_dir(CURRICULUM)
    assert stale_facts(raw, dt.timedelta(days=180), TODAY) == []
    week_old = stale_facts(raw, dt.timedelta(days=7), TODAY)
    assert week_old and all(s.checked < TODAY - dt.timedelta(days=7) for s in week_old)
    assert all(re.fullmatch(r"[a-z-]+/[a-z0-9-]+#f\d+", s.fact_id) for s in week_old)
    assert "fine-tuning/custom-gpts#f1" not in {s.fact_id for s in week_old}  # re-checked on 2026-12-02
    a_year_on = stale_facts(raw, dt.timedelta(days=180), dt.date(2027, 12, 2))
    assert len(a_year_on) == sum(len(o.facts) for s in raw.skills.values() for o in s.objectives)


def run_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skillcoach", "curriculum", "validate", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_reports_coverage_and_refuses_a_bad_age() -> None:
    result = run_validate("--coverage", "--stale-after", "180d")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^coverage: \d+ of \d+ source claims covered by facts \(\d+\.\d%\)$", result.stdout, re.M)
    assert re.search(r"^stale: \d+ fact\(s\) last checked more than 180d ago \(before \d{4}-\d\d-\d\d\)$",
                     result.stdout, re.M)
    bad = run_validate("--stale-after", "6 months")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == ["error: --stale-after '6 months': give an age in days or weeks, "
                                               "e.g. 180d or 26w"]


# --- citations --------------------------------------------------------------------------------------------------

DATED = Citation("2026년 AI 마스터를 위한 9가지 핵심 역량과 실무 활용 전략", "Nine core competencies", "2025-12-28", "",
                 "AI 에이전트", "AI agents", "name")
UNDATED = Citation("스마트 AI가 이제 어디에나 있습니다", "Smart AI is now everywhere", "", "late 2024",
                   "최근 몇 달 동안", "introduction", "opening")


def test_citation_text_in_korean_and_english() -> None:
    assert DATED.text("ko") == "「2026년 AI 마스터를 위한 9가지 핵심 역량과 실무 활용 전략」 (2025-12-28), AI 에이전트"
    assert DATED.text() == ("「2026년 AI 마스터를 위한 9가지 핵심 역량과 실무 활용 전략」 (“Nine core competencies”, "
                            "2025-12-28), AI 에이전트 (AI agents)")
    assert UNDATED.text() == ("「스마트 AI가 이제 어디에나 있습니다」 (“Smart AI is now everywhere”, "
                              "undated, c. late 2024), introduction (part opening “최근 몇 달 동안…”)")
    assert UNDATED.text("ko").endswith("(날짜 없음, late 2024 추정), “최근 몇 달 동안…”로 시작하는 부분")
    assert DATED.fields() == {"source_title": DATED.title, "source_title_en": "Nine core competencies",
                              "source_date": "2025-12-28", "heading": "AI 에이전트"}


def test_an_unresolved_reference_never_shows_a_file() -> None:
    ref = SourceRef(id="nine-skills", heading="AI 에이전트")
    assert cite(ref) == "nine-skills, AI 에이전트"
    assert cite_fields(ref)["heading"] == "AI 에이전트"


def test_loaded_facts_carry_their_citation_and_later_changes() -> None:
    cur = load_curriculum(CURRICULUM)
    facts = [f for o in cur.objectives.values() for f in o.facts]
    assert all(isinstance(f.source, CitedRef) for f in facts)
    assert all(isinstance(r, CitedRef) for o in cur.objectives.values() for r in o.sources)
    gpts = cur.objective("fine-tuning/custom-gpts").facts[0]
    line = fact_line(gpts)
    assert "Since then:" in line and "26 August 2026" in line
    assert line.endswith("(“Nine core competencies for mastering AI in 2026, and how to put them to work”, "
                         "2025-12-28), Fine-tuning & Custom GPTs)_")


# --- nothing a learner sees names a seed file -------------------------------------------------------------------

def strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{path}[{i}]")


def test_no_learner_facing_text_names_a_seed_file() -> None:
    cur = load_curriculum(CURRICULUM)
    shown = [(f"{s.id}{p}", text) for s in cur.skills for p, text in strings(s.model_dump(mode="json"))]
    composer = OfflineComposer()
    shown += [(f"lesson {oid}", composer.lesson(o, "Next objective")) for oid, o in cur.objectives.items()]
    shown += [(f"remediation {oid}", composer.remediation(o, o.items[0], None)) for oid, o in cur.objectives.items()]
    index = CurriculumIndex(cur)
    shown += [(f"passage {p.objective_id}", value) for p in index.passages for value in p.citation().values()]
    leaks = [(where, FILE_NAME.search(text)) for where, text in shown if FILE_NAME.search(text)]
    assert not leaks, leaks[:5]
    assert len(shown) > 5000
