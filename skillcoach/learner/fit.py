"""Fit P(init), P(learn), P(slip) and a guess scale per objective from the attempt log (MAP, grid search).

Each learner's attempts on an objective form one BKT sequence. The defaults are the priors: the
log-likelihood of the training sequences plus a Beta log-prior centred on each default, maximised
over a grid with numpy (no pyBKT: it breaks on numpy 2). The guess rate stays tied to how an item
is answered (``guess_rate``), scaled by a fitted factor per objective. Held-out log loss (every
``HOLD_OUT``-th learner's sequences, never seen by the fit) compares the fit with the defaults.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from skillcoach.curriculum.models import Item
from skillcoach.learner.bkt import BKTParams, GuessRates, guess_rate
from skillcoach.learner.mastery import LearnerModel

MIN_ATTEMPTS = 30  # fewer attempts on an objective than this: the defaults stand
HOLD_OUT = 5  # one learner in this many is held out of the fit, to measure it
PRIOR_STRENGTH = 10.0  # pseudo-observations behind each default (Beta prior)
GRID = {
    "p_init": np.array([0.05, 0.1, 0.2, 0.3, 0.45, 0.6]),
    "p_learn": np.array([0.03, 0.06, 0.1, 0.15, 0.22, 0.3, 0.4]),
    "p_slip": np.array([0.03, 0.07, 0.1, 0.15, 0.2, 0.3]),
    "guess_scale": np.array([0.5, 0.75, 1.0, 1.25, 1.5, 2.0]),
}
EPS = 1e-6
DEFAULT_PARAMS = BKTParams()
DEFAULT_RATES = GuessRates()


@dataclass(frozen=True)
class Response:
    """One graded answer in a sequence: whether it was right and the item's guess rate."""

    right: bool
    guess: float


@dataclass(frozen=True)
class Fit:
    """The BKT parameters fitted for one objective, with held-out log loss of the fit and of the defaults."""

    objective_id: str
    attempts: int
    learners: int
    fitted: bool  # False: too few attempts, the defaults stand
    p_init: float
    p_learn: float
    p_slip: float
    guess_scale: float
    held_out_attempts: int
    log_loss_default: float | None
    log_loss_fitted: float | None

    def to_dict(self) -> dict[str, object]:
        """Return the fit as a plain dict, for JSON output."""
        return asdict(self)

    def params(self) -> BKTParams:
        """The fitted values as the learner model's parameters."""
        return BKTParams(self.p_init, self.p_learn, self.p_slip, self.guess_scale)


def sequences(rows: Iterable[tuple[str, str, str, float]], items: Mapping[str, Item],
              rates: GuessRates = DEFAULT_RATES) -> dict[str, dict[str, list[Response]]]:
    """Group (learner, objective, item, score) rows, in log order, into responses by objective, then learner."""
    out: dict[str, dict[str, list[Response]]] = defaultdict(lambda: defaultdict(list))
    for learner, objective, item_id, score in rows:
        item = items.get(item_id)
        if item is not None:
            out[objective][learner].append(Response(score >= 0.8, guess_rate(item, rates)))
    return out


def predictions(seq: Sequence[Response], p_init: float, p_learn: float, p_slip: float,
                guess_scale: float) -> list[float]:
    """P(right) before each response, by the BKT forward pass."""
    p, out = p_init, []
    for r in seq:
        guess = min(0.5, r.guess * guess_scale)
        out.append(p * (1 - p_slip) + (1 - p) * guess)
        known = p * (1 - p_slip) if r.right else p * p_slip
        unknown = (1 - p) * guess if r.right else (1 - p) * (1 - guess)
        p = known / (known + unknown)
        p = p + (1 - p) * p_learn
    return out


def log_loss(seqs: Iterable[Sequence[Response]], params: tuple[float, float, float, float]) -> tuple[float, int]:
    """Return the mean log loss of the BKT predictions over the sequences, and how many responses it counts."""
    total, count = 0.0, 0
    for seq in seqs:
        for r, p in zip(seq, predictions(seq, *params), strict=True):
            p = min(1 - EPS, max(EPS, p))
            total -= np.log(p) if r.right else np.log(1 - p)
            count += 1
    return (total / count if count else 0.0), count


def _log_prior(value: np.ndarray, default: float) -> np.ndarray:
    a, b = default * PRIOR_STRENGTH + 1, (1 - default) * PRIOR_STRENGTH + 1
    prior: np.ndarray = (a - 1) * np.log(value) + (b - 1) * np.log(1 - value)
    return prior


def _vectorised_loglik(seqs: Sequence[Sequence[Response]]) -> np.ndarray:
    """Log-likelihood of every grid point at once (axes: init, learn, slip, guess scale)."""
    init, learn, slip, scale = np.meshgrid(*GRID.values(), indexing="ij")
    total: np.ndarray = np.zeros_like(init)
    for seq in seqs:
        p = init.copy()
        for r in seq:
            guess = np.minimum(0.5, r.guess * scale)
            right = p * (1 - slip) + (1 - p) * guess
            prob = right if r.right else 1 - right
            total += np.log(np.clip(prob, EPS, 1))
            known = p * (1 - slip) if r.right else p * slip
            p = known / np.clip(prob, EPS, None)
            p = p + (1 - p) * learn
    return total


def fit_objective(objective_id: str, by_learner: Mapping[str, list[Response]], defaults: BKTParams = DEFAULT_PARAMS,
                  min_attempts: int = MIN_ATTEMPTS) -> Fit:
    """Fit one objective's parameters on the training learners, or keep the defaults when attempts are too few."""
    held = {k: v for k, v in by_learner.items() if _held_out(k)}
    train = [v for k, v in by_learner.items() if k not in held]
    default = (defaults.p_init, defaults.p_learn, defaults.p_slip, 1.0)
    attempts = sum(len(v) for v in by_learner.values())
    if sum(len(v) for v in train) < min_attempts:
        loss, n = log_loss(held.values(), default)
        return Fit(objective_id, attempts, len(by_learner), False, *default, n, loss if n else None, None)
    score = _vectorised_loglik(train)
    init, learn, slip, _ = np.meshgrid(*GRID.values(), indexing="ij")
    score = score + _log_prior(init, defaults.p_init) + _log_prior(learn, defaults.p_learn) \
        + _log_prior(slip, defaults.p_slip)
    best = np.unravel_index(int(np.argmax(score)), score.shape)
    p_init, p_learn, p_slip, scale = (float(values[i]) for values, i in zip(GRID.values(), best, strict=True))
    loss_default, n = log_loss(held.values(), default)
    loss_fitted, _ = log_loss(held.values(), (p_init, p_learn, p_slip, scale))
    return Fit(objective_id, attempts, len(by_learner), True, p_init, p_learn, p_slip, scale, n,
               loss_default if n else None, loss_fitted if n else None)


def _held_out(learner_id: str) -> bool:
    """A stable one-in-HOLD_OUT choice of learners (by a hash, so every run agrees)."""
    return int(hashlib.sha256(learner_id.encode()).hexdigest()[:8], 16) % HOLD_OUT == 0


def fit_all(seqs: Mapping[str, Mapping[str, list[Response]]], defaults: BKTParams = DEFAULT_PARAMS,
            min_attempts: int = MIN_ATTEMPTS) -> list[Fit]:
    """Fit every objective of the sequences, in objective id order."""
    return [fit_objective(oid, seqs[oid], defaults, min_attempts) for oid in sorted(seqs)]


def overall(fits: Iterable[Fit]) -> dict[str, float | int | None]:
    """Held-out log loss over all objectives, weighted by held-out attempts."""
    pairs = [(f.held_out_attempts, f.log_loss_default, f.log_loss_fitted if f.fitted else f.log_loss_default)
             for f in fits if f.held_out_attempts and f.log_loss_default is not None]
    n = sum(p[0] for p in pairs)
    if not n:
        return {"held_out_attempts": 0, "log_loss_default": None, "log_loss_fitted": None}
    default = sum(c * d for c, d, _ in pairs) / n
    fitted = sum(c * float(f or 0.0) for c, _, f in pairs) / n
    return {"held_out_attempts": n, "log_loss_default": round(default, 4), "log_loss_fitted": round(fitted, 4)}


def refit(model: LearnerModel, rows: Sequence[tuple[str, str, str, float]], items: Mapping[str, Item],
          min_attempts: int = MIN_ATTEMPTS) -> LearnerModel:
    """The model with per-objective parameters fitted on ``rows`` (the defaults as priors).

    Only objectives with at least ``min_attempts`` training attempts get fitted values; the
    others, and every objective the log has not met, keep ``model.params``.
    """
    fits = fit_all(sequences(rows, items, model.rates), model.params, min_attempts)
    fitted = {f.objective_id: f.params() for f in fits if f.fitted}
    return replace(model, fitted=fitted, fitted_on=len(rows))


__all__ = ["Fit", "Response", "fit_all", "fit_objective", "log_loss", "overall", "refit", "sequences"]
