"""Estimation then scoring, written once against the backend seam."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import em
from .random_u import with_random_u

if TYPE_CHECKING:
    from ..backends.base import Backend
    from ..engine import LinkConfig, ScoredPairs


def estimate_and_score(
    backend: Backend[Any],
    records: pd.DataFrame,
    config: LinkConfig,
    decisions: pd.DataFrame | None,
    truth: pd.Series | None,
) -> ScoredPairs:
    """Compare, fit the model on pattern counts (semi-supervised when labels suffice), then score."""
    from ..engine import ScoredPairs

    if not config.comparisons:
        raise ValueError("the link configuration has no comparisons")
    vectors = backend.comparison_vectors(records, config, truth)
    counts = backend.pattern_counts(vectors, decisions)
    supervised = min(counts.labelled_matches, counts.labelled_non_matches) >= config.min_labels
    # Too few labels would pin the classes to a handful of hand-picked (often hard) pairs, so they
    # then count as ordinary unlabelled pairs.
    fixed = counts.fixed_responsibility if supervised else np.full(len(counts.counts), np.nan)
    model = em.estimate(
        counts.patterns,
        counts.counts,
        tuple(c.name for c in config.comparisons),
        tuple(c.levels for c in config.comparisons),
        fixed_responsibility=fixed,
        max_iterations=config.em_max_iterations,
        tolerance=config.em_tolerance,
    )
    model.labelled_pairs = counts.labelled_matches + counts.labelled_non_matches if supervised else 0
    random_counts, sampled, all_pairs = backend.random_pair_levels(vectors, config)
    model = with_random_u(model, random_counts, sampled, int(counts.counts.sum()), all_pairs)
    pairs = backend.scored_pairs(vectors, model, config.floor_weight)
    report = dict(backend.blocking_report(vectors))
    report["returned_pairs"] = len(pairs)
    report["floor_weight"] = config.floor_weight
    return ScoredPairs(pairs=pairs, prior_weight=model.prior_weight, report=report, model=model.to_dict())
