"""The benchmark runner's smoke test: ``python -m bench --quick`` runs every section present."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skillcoach.settings import REPO_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # 40 % of the suite: .ci/run runs it once (-m slow)

BENCH = REPO_ROOT / "bench"
SECTIONS = ("turns", "startup", "weekly", "tracing", "learning", "llm", "memory")


def test_the_runner_knows_every_section() -> None:
    from bench.__main__ import SECTIONS as RUNNER_SECTIONS

    assert tuple(name for name, _ in RUNNER_SECTIONS) == SECTIONS


@pytest.mark.timeout(240)
@pytest.mark.parametrize("name", SECTIONS)
def test_quick_bench_runs_each_section_and_prints_every_figure(tmp_path: Path, name: str) -> None:
    """One section per test, so a CI worker pool spreads them (the whole run is the suite's longest test)."""
    results = BENCH / "RESULTS.md"
    before = results.stat().st_mtime_ns if results.exists() else None
    rows_file = tmp_path / "rows.json"
    env = {**os.environ, "COLUMNS": "400"}  # one table line per figure, nothing folded
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", name, "--json", str(rows_file)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=220)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [section] = json.loads(rows_file.read_text())
    assert section["name"] == name
    table_lines = done.stdout.splitlines()
    if (BENCH / f"{name}.py").exists():
        assert section["rows"] and not section["note"], f"{name}: {section['note']}"
    else:
        assert not section["rows"] and "not measured yet" in section["note"]
    for row in section["rows"]:
        assert {"name", "value", "unit", "goal", "ok"} <= set(row)
        assert any(row["name"] in line for line in table_lines), f"no table row for {row['name']!r}"
    after = results.stat().st_mtime_ns if results.exists() else None
    assert after == before, "--quick must not overwrite bench/RESULTS.md"
    assert (BENCH / "out" / "RESULTS-quick.md").exists()
