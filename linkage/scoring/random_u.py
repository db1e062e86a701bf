"""u from random record pairs, and the prior rescaled from candidate pairs to all pairs.

EM over candidate pairs estimates m well (the matches are nearly all among the candidates) but its u is
conditional on blocking: among pairs blocked on name and birth year, non-matches agree on the name by
construction, so name agreement would look worthless even for a pair found through a shared phone.
As in Splink, u is instead measured on random record pairs — the chance agreement of two records
taken at random — and the prior becomes the share of matches among all pairs
(λ_all = λ_candidates × candidate pairs / all pairs). A level's weight is then the same whichever rule
found the pair.

Random pairs include a few true matches; their contribution is removed per comparison:
P(level) = λ_c m + (1 − λ_c) u  ⇒  u = (P(level) − λ_c m) / (1 − λ_c), where λ_c is the share of matches
among pairs on which comparison c is present (EM's expected matches with c present, over the number of
all pairs with c present, scaled from the sample). A per-comparison share matters because missingness is
not at random: phones and passports sit on workers' records, which have many duplicates.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .model import FellegiSunterModel

PSEUDO_COUNT = 0.5  # per level: a level never seen among random pairs still gets a finite u
MIN_U_SHARE = 0.05  # after removing matches, u keeps at least this share of the observed frequency


def with_random_u(
    model: FellegiSunterModel,
    random_level_counts: list[np.ndarray],
    sampled_pairs: int,
    candidate_pairs: int,
    all_pairs: int,
) -> FellegiSunterModel:
    """The model with u from random-pair level counts (of ``sampled_pairs``) and λ over all pairs."""
    if all_pairs <= 0 or candidate_pairs <= 0 or sampled_pairs <= 0:
        return model
    lambda_all = float(np.clip(model.lambda_ * candidate_pairs / all_pairs, 1e-12, 0.5))
    present_matches = model.present_matches or [model.lambda_ * candidate_pairs] * len(model.m)
    u = []
    for m, counts, matches in zip(model.m, random_level_counts, present_matches, strict=True):
        present_pairs = all_pairs * max(counts.sum(), 1.0) / sampled_pairs
        lambda_c = float(np.clip(matches / present_pairs, 0.0, 0.5))
        observed = (counts + PSEUDO_COUNT) / (counts.sum() + PSEUDO_COUNT * len(counts))
        corrected = (observed - lambda_c * m) / (1.0 - lambda_c)
        chance = np.maximum(corrected, MIN_U_SHARE * observed)
        u.append(chance / chance.sum())
    return replace(model, u=u, lambda_=lambda_all, candidate_lambda=model.lambda_)
