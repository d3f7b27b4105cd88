"""``python -m bench.model_fit [LEARNERS]``: fit the learner model on a simulated attempt log.

Simulated learners (half BKT, half gradual; bench/simlearners.py) study four weeks under the
coach on a scratch SQLite database; then ``skillcoach model fit`` does its work on that log and
the held-out log loss of the fitted parameters is compared with the defaults'. Not part of the
bench run: a demonstration with the figures in bench/RESULTS.md.
"""

from __future__ import annotations

import json
import sys
import tempfile

from bench.learning import SimClock, Spec, coached
from bench.scripted import offline_settings
from skillcoach.app.api import Coach, learner_model
from skillcoach.learner.fit import fit_all, overall, sequences


def main(learners: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="skillcoach-fit-") as tmp:
        settings = offline_settings(tmp)
        clock = SimClock()
        with Coach(settings, clock=clock) as coach:
            for n in range(learners):
                spec = Spec("bkt" if n % 2 else "gradual", 1, n)
                learner, traits = spec.learner(coach.curriculum)
                coached(coach, clock, learner, traits, f"fit-{spec.model}-{n}")
            model = learner_model(settings)
            rows = coach.store.evidence_rows()
            fits = fit_all(sequences(rows, coach.curriculum.items, model.rates), model.params)
    fitted = [f for f in fits if f.fitted]
    return {"learners": learners, "attempts": len(rows), "objectives": len(fits), "fitted": len(fitted),
            **overall(fits),
            "mean_fitted": {key: round(sum(getattr(f, key) for f in fitted) / max(1, len(fitted)), 3)
                            for key in ("p_init", "p_learn", "p_slip", "guess_scale")}}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20), indent=2))
