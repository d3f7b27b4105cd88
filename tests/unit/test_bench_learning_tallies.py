"""The learning bench's tallies: retention split by what was known at the start, and tallies read back from a file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from bench.learning import Spec, Tally, load


def test_retention_splits_into_learned_and_known_objectives() -> None:
    # 10 objectives truly mastered: 4 learned (recall 2.0 in all), 6 known at the start (recall 5.4)
    tally = Tally(mastered=10, recall=7.4, learned=4, recall_learned=2.0, learners=2)
    metrics = tally.metrics()
    assert metrics["retention"] == pytest.approx(74.0)
    assert metrics["retention_learned"] == pytest.approx(50.0)
    assert metrics["retention_known"] == pytest.approx(90.0)
    assert metrics["recalled"] == pytest.approx(3.7)  # per learner


def test_saved_tallies_read_back_and_older_files_count_one_learner_each(tmp_path: Path) -> None:
    coach, baseline = Tally(items=12, mastered=3, learners=1), Tally(items=20, mastered=2, learners=1)
    old = {key: value for key, value in asdict(baseline).items() if key != "learners"}  # before ``learners``
    saved = tmp_path / "learning.json"
    saved.write_text(json.dumps([{**asdict(Spec("gradual", 2, 7)), "coach": asdict(coach), "baseline": old}]))
    [(spec, read_coach, read_baseline)] = load(saved)
    assert spec == Spec("gradual", 2, 7) and read_coach == coach and read_baseline == baseline
