from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from skillcoach.curriculum.catalog import load_curriculum
from skillcoach.curriculum.loader import CurriculumError, read_dir
from skillcoach.curriculum.models import ItemKind
from skillcoach.curriculum.validate import check
from skillcoach.grading.answers import Verdict, grade
from tests.conftest import CURRICULUM


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of three shipped skills (closed under prerequisites), to break in each test."""
    for name in ("sources.yaml", "prompt-engineering.yaml", "ai-agents.yaml", "rag.yaml"):
        shutil.copy(CURRICULUM / name, tmp_path / name)
    return tmp_path


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def problems(directory: Path) -> list[str]:
    return [str(p) for p in check(read_dir(directory))]


def test_shipped_curriculum_is_valid() -> None:
    assert problems(CURRICULUM) == []


def test_shipped_fixture_pair_is_valid(broken: Path) -> None:
    assert problems(broken) == []


def test_invalid_answer_key_names_file_and_field(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: d["objectives"][0]["items"][0].update(answer="z"))
    found = problems(broken)
    assert len(found) == 1
    assert found[0].startswith("rag.yaml: objectives[rag/why-rag].items[") and "'z' is not one of" in found[0]


def test_missing_rubric_for_short_answer(broken: Path) -> None:
    def drop_rubric(d: dict) -> None:  # type: ignore[type-arg]
        for item in d["objectives"][0]["items"]:
            if item["kind"] == "short_answer":
                item.pop("rubric")
    edit(broken / "rag.yaml", drop_rubric)
    assert any("rubric: a short_answer item needs a rubric" in p for p in problems(broken))


def test_duplicate_ids(broken: Path) -> None:
    def dup(d: dict) -> None:  # type: ignore[type-arg]
        d["objectives"][1]["items"][0]["id"] = d["objectives"][1]["items"][1]["id"]
    edit(broken / "rag.yaml", dup)
    assert any("duplicate id" in p for p in problems(broken))


def test_unsourced_fact(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: d["objectives"][0]["facts"][0]["source"].update(id="blog"))
    assert any("unknown source 'blog' (not in sources.yaml)" in p for p in problems(broken))


def test_dangling_prerequisite(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: d["objectives"][0]["prerequisites"].append("rag/nowhere"))
    assert any("unknown objective 'rag/nowhere'" in p for p in problems(broken))


def test_cycle_and_unreachable_objectives(broken: Path) -> None:
    edit(broken / "prompt-engineering.yaml",
         lambda d: d["objectives"][0]["prerequisites"].append("prompt-engineering/prompts-as-code"))
    found = problems(broken)
    assert any("prerequisite cycle" in p for p in found)
    assert any("unreachable" in p and "rag/why-rag" in p for p in found), "downstream of the cycle"


def test_authoring_rules(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: d["objectives"][0].update(explanation="Too short. " * 5))
    assert any("words; needs 150-500" in p for p in problems(broken))


def test_broken_yaml_names_the_line(broken: Path) -> None:
    (broken / "rag.yaml").write_text("id: rag\nobjectives: [\n  - oops: :\n")
    found = problems(broken)
    assert found and found[0].startswith("rag.yaml: line ")


def test_load_raises_with_problems(broken: Path) -> None:
    edit(broken / "rag.yaml", lambda d: d.update(title=None))
    with pytest.raises(CurriculumError) as exc:
        load_curriculum(broken)
    assert "rag.yaml: title:" in str(exc.value)


def test_teaching_order_puts_prerequisites_first() -> None:
    cur = load_curriculum(CURRICULUM)
    position = {oid: n for n, oid in enumerate(cur.order)}
    assert len(position) == len(cur.objectives)
    for oid, obj in cur.objectives.items():
        for dep in obj.prerequisites:
            assert position[dep] < position[oid], f"{dep} must come before {oid}"


def test_every_reference_answer_passes_its_own_rubric() -> None:
    cur = load_curriculum(CURRICULUM)
    shorts = [i for i in cur.items.values() if i.kind is ItemKind.SHORT_ANSWER]
    assert shorts
    failing = [i.id for i in shorts if grade(i, str(i.answer)).verdict is not Verdict.CORRECT]
    assert failing == []
