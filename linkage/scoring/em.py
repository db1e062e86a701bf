"""Expectation–maximisation for the Fellegi–Sunter model, run on comparison-pattern counts.

Candidate pairs collapse to a few thousand distinct level patterns (fastLink's trick), so each EM
iteration costs O(patterns × comparisons), not O(pairs): millions of pairs estimate in milliseconds.
Missing levels (-1) are skipped in both likelihoods (missing at random). Pairs with a steward label
keep it as a fixed responsibility (1 for MATCH, 0 for NON_MATCH): semi-supervised EM, which pins the
match class to what stewards mean by a match.
"""

from __future__ import annotations

import numpy as np

from .model import FellegiSunterModel

# Weak Dirichlet priors (MAP EM), in pseudo-pairs per class: matches lean to the strongest level,
# non-matches to the weakest. They keep every m and u > 0 (finite weights) and give a tiny run — a
# handful of candidate pairs, as in a unit test or a first small load — sensible weights; against
# thousands of pairs they are negligible.
PRIOR_STRENGTH = 5.0
LEAN = 3.0  # bits of prior preference per level step
INITIAL_LAMBDA = 0.05


def estimate(
    patterns: np.ndarray,
    counts: np.ndarray,
    comparisons: tuple[str, ...],
    levels: tuple[tuple[str, ...], ...],
    fixed_responsibility: np.ndarray | None = None,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
) -> FellegiSunterModel:
    """Fit m, u and λ to ``counts`` of each row of ``patterns`` (int levels, -1 = missing).

    ``fixed_responsibility`` (per pattern row: 1, 0 or NaN) marks rows that are steward-labelled.
    """
    if max_iterations < 1:
        raise ValueError(f"EM needs at least one iteration, not {max_iterations}")
    n_levels = [len(lv) for lv in levels]
    counts = counts.astype(np.float64)
    fixed = np.full(len(patterns), np.nan) if fixed_responsibility is None else fixed_responsibility
    free = np.isnan(fixed)
    one_hot = [_one_hot(patterns[:, c], k) for c, k in enumerate(n_levels)]
    m_prior = [PRIOR_STRENGTH * _lean(k) for k in n_levels]
    u_prior = [PRIOR_STRENGTH * _lean(k)[::-1] for k in n_levels]
    m = [p / PRIOR_STRENGTH for p in m_prior]
    # Initial u: the observed level shares, since most candidate pairs are non-matches.
    u = [_normalise(oh.T @ counts + p) for oh, p in zip(one_hot, u_prior, strict=True)]
    lambda_ = INITIAL_LAMBDA
    iteration, converged = 0, False
    for iteration in range(1, max_iterations + 1):  # noqa: B007 — the count is reported
        log_m = sum(oh @ np.log(mc) for oh, mc in zip(one_hot, m, strict=True))
        log_u = sum(oh @ np.log(uc) for oh, uc in zip(one_hot, u, strict=True))
        log_odds = np.log(lambda_) - np.log1p(-lambda_) + log_m - log_u
        g = np.where(free, 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700))), fixed)
        matches, non_matches = g * counts, (1.0 - g) * counts
        new_m = [_normalise(oh.T @ matches + p) for oh, p in zip(one_hot, m_prior, strict=True)]
        new_u = [_normalise(oh.T @ non_matches + p) for oh, p in zip(one_hot, u_prior, strict=True)]
        new_lambda = float(np.clip(matches[free].sum() / max(counts[free].sum(), 1.0), 1e-9, 1 - 1e-9))
        change = max(
            abs(new_lambda - lambda_),
            *(float(np.abs(a - b).max()) for a, b in zip(new_m + new_u, m + u, strict=True)),
        )
        m, u, lambda_ = new_m, new_u, new_lambda
        if change < tolerance:
            converged = True
            break
    observed = [oh.T @ counts for oh in one_hot]
    present = [float((oh.T @ matches).sum()) for oh in one_hot]
    model = FellegiSunterModel(
        comparisons,
        levels,
        m,
        u,
        lambda_,
        iteration,
        converged,
        level_counts=observed,
        present_matches=present,
    )
    # Steward labels already say which class is the match; only unlabelled EM can come out swapped.
    return _oriented(model, counts, one_hot) if free.all() else model


def _one_hot(column: np.ndarray, n_levels: int) -> np.ndarray:
    """Pattern × level indicator; a missing level (-1) is an all-zero row."""
    out = np.zeros((len(column), n_levels))
    present = column >= 0
    out[np.flatnonzero(present), column[present]] = 1.0
    return out


def _normalise(weighted_counts: np.ndarray) -> np.ndarray:
    return weighted_counts / weighted_counts.sum()


def _lean(n_levels: int) -> np.ndarray:
    """Probabilities halving LEAN times per level, strongest level first."""
    lean = 0.5 ** (LEAN * np.arange(n_levels))
    return lean / lean.sum()


def _oriented(model: FellegiSunterModel, counts: np.ndarray, one_hot: list[np.ndarray]) -> FellegiSunterModel:
    """Unlabelled EM can converge with the classes swapped; the match class is the one that agrees."""
    agreement = sum(float(np.log(model.m[c][0] / model.u[c][0])) for c in range(len(model.m)))
    if agreement >= 0:
        return model
    model.m, model.u = model.u, model.m
    model.lambda_ = 1.0 - model.lambda_
    if model.present_matches is not None:
        model.present_matches = [
            float((oh.T @ counts).sum()) - p for oh, p in zip(one_hot, model.present_matches, strict=True)
        ]
    return model
