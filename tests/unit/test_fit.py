"""Fitting the learner model from the attempt log: recovers parameters, beats the defaults held out."""

from __future__ import annotations

from random import Random

from skillcoach.learner.bkt import BKTParams
from skillcoach.learner.fit import Response, fit_all, fit_objective, log_loss, overall, sequences
from tests.unit.factories import mcq


def simulate(learners: int, p_init: float, p_learn: float, p_slip: float, guess: float, length: int = 8,
             seed: int = 1) -> dict[str, list[Response]]:
    rng = Random(seed)
    out = {}
    for n in range(learners):
        known, seq = rng.random() < p_init, []
        for _ in range(length):
            right = rng.random() < ((1 - p_slip) if known else guess)
            seq.append(Response(right, guess))
            known = known or rng.random() < p_learn
        out[f"sim-{n}"] = seq
    return out


def test_fit_moves_towards_the_true_parameters_and_lowers_held_out_loss() -> None:
    data = simulate(400, p_init=0.45, p_learn=0.3, p_slip=0.05, guess=0.25)
    fit = fit_objective("s/o", data)
    assert fit.fitted and fit.held_out_attempts > 0
    assert fit.p_learn > BKTParams().p_learn and fit.p_slip < BKTParams().p_slip and fit.p_init > 0.2
    assert fit.log_loss_fitted is not None and fit.log_loss_default is not None
    assert fit.log_loss_fitted < fit.log_loss_default


def test_too_few_attempts_keep_the_defaults() -> None:
    fit = fit_objective("s/o", simulate(3, 0.2, 0.1, 0.15, 0.25, length=3))
    assert not fit.fitted and (fit.p_init, fit.p_learn, fit.p_slip, fit.guess_scale) == (0.2, 0.1, 0.15, 1.0)


def test_sequences_group_the_log_by_objective_and_learner_in_order() -> None:
    item = mcq("s/o/q1")
    rows = [("ada", "s/o", "s/o/q1", 1.0), ("bo", "s/o", "s/o/q1", 0.0), ("ada", "s/o", "s/o/q1", 0.5),
            ("ada", "s/o", "gone/item", 1.0)]
    seqs = sequences(rows, {item.id: item})
    assert [r.right for r in seqs["s/o"]["ada"]] == [True, False] and len(seqs["s/o"]["bo"]) == 1
    assert seqs["s/o"]["ada"][0].guess == 0.25


def test_overall_weighs_objectives_by_held_out_attempts() -> None:
    fits = fit_all({"a/x": simulate(300, 0.45, 0.3, 0.05, 0.25), "b/y": simulate(2, 0.2, 0.1, 0.15, 0.25)})
    summary = overall(fits)
    assert summary["held_out_attempts"] and summary["log_loss_fitted"] <= summary["log_loss_default"]  # type: ignore[operator]
    loss, count = log_loss([[Response(True, 0.25)]], (0.2, 0.1, 0.15, 1.0))
    assert count == 1 and loss > 0


def test_refit_gives_the_model_fitted_parameters_where_the_log_has_enough() -> None:
    from skillcoach.learner.fit import refit
    from skillcoach.learner.mastery import REFIT_FIRST, LearnerModel
    from skillcoach.learner.mastery import refit_due as due

    item = mcq("s/o/q1")
    data = simulate(200, p_init=0.45, p_learn=0.3, p_slip=0.05, guess=0.25)
    rows = [(learner, "s/o", item.id, 1.0 if r.right else 0.0) for learner, seq in data.items() for r in seq]
    rows.append(("sim-x", "s/rare", item.id, 1.0))
    model = refit(LearnerModel(), rows, {item.id: item})
    assert set(model.fitted) == {"s/o"} and model.fitted_on == len(rows)
    assert model.params_for("s/o").p_learn > BKTParams().p_learn
    assert model.params_for("s/rare") == BKTParams(), "too few attempts: the defaults stand"
    assert not due(REFIT_FIRST - 1, LearnerModel()) and due(REFIT_FIRST, LearnerModel())
    assert not due(len(rows) + 1, model), "the log must grow by a quarter before the next fit"
    assert due(len(rows) * 2, model)


def test_the_planner_refits_at_a_session_start_only_when_the_log_has_grown() -> None:
    from types import SimpleNamespace

    from agents.planner import refresh_model
    from skillcoach.learner.mastery import LearnerModel

    item = mcq("s/o/q1")
    data = simulate(200, p_init=0.45, p_learn=0.3, p_slip=0.05, guess=0.25)
    rows = [(learner, "s/o", item.id, 1.0 if r.right else 0.0) for learner, seq in data.items() for r in seq]
    store = SimpleNamespace(model=LearnerModel(), evidence_rows=lambda: rows, evidence_count=lambda: len(rows))
    ctx = SimpleNamespace(store=store, curriculum=SimpleNamespace(items={item.id: item}))
    refresh_model(ctx)  # type: ignore[arg-type]
    fitted = store.model
    assert "s/o" in fitted.fitted and fitted.fitted_on == len(rows)
    rows.append(("sim-new", "s/o", item.id, 1.0))

    def unread() -> list[tuple[str, str, str, float]]:
        raise AssertionError("the log is read although no fit is due")

    store.evidence_rows = unread
    refresh_model(ctx)  # type: ignore[arg-type]
    assert store.model is fitted, "one more attempt is no reason to fit again"
