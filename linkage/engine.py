"""The linkage scoring engine: block → compare → score, returning scored candidate pairs.

This is the one entry point the rest of the pipeline calls (``ltsa link``, the review queue, the
benchmarks). Everything behind it — blocking, comparisons, the Fellegi–Sunter model — runs through a
:class:`~linkage.backends.base.Backend`, so a Spark backend can replace the pandas one without touching
the model (the model is estimated on comparison-pattern *counts*, which any backend can produce).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .blocking import BlockingRule, default_blocking_rules
from .comparison.base import Comparison
from .comparison.defaults import default_comparisons

DEFAULT_FLOOR_MARGIN = 5.0  # pairs below review_weight - margin are dropped (see ``score``)


@dataclass(frozen=True)
class LinkConfig:
    """Thresholds, blocking rules, comparisons and estimation settings of one linkage run.

    Weights are match weights: log2 of the Bayes factor including the prior, so
    ``match_probability = 2**w / (1 + 2**w)`` and a weight of 0 means "as likely a match as not". The
    prior is the share of matches among all record pairs (see docs/linkage.md).
    """

    auto_match_weight: float  # match_weight at/above → auto-match
    review_weight: float  # [review_weight, auto_match_weight) → steward review; below → non-match
    blocking_rules: tuple[BlockingRule, ...] = field(default_factory=default_blocking_rules)
    comparisons: tuple[Comparison, ...] = field(default_factory=default_comparisons)
    max_block_size: int = 400  # larger blocks: split by the rule's sub_block_on, then capped (reported)
    u_sample_pairs: int = 1_000_000  # random record pairs measuring chance agreement (u)
    u_sample_seed: int = 1  # fixed, so a rerun on the same data gives the same weights
    em_max_iterations: int = 100
    em_tolerance: float = 1e-6
    # Minimum MATCH and NON_MATCH steward decisions before they steer estimation (semi-supervised EM).
    min_labels: int = 20
    floor_margin: float = DEFAULT_FLOOR_MARGIN
    cross_source_only: bool = False  # True: never pair two records of one source (FEBRL 4 style linking)
    # Records with this column filled are reports about a person (complaint desk): one left alone joins
    # the sole person its review-band pairs point to (linkage.attach). None: never.
    reported_column: str | None = "complaint_type"
    backend: str = "pandas"

    @classmethod
    def default(cls) -> LinkConfig:
        """The configuration for the canonical table of the LTSA sources."""
        return cls(auto_match_weight=6.0, review_weight=0.0)

    @property
    def floor_weight(self) -> float:
        """Pairs scoring below this are not returned (they are far from any decision)."""
        return self.review_weight - self.floor_margin


@dataclass
class ScoredPairs:
    """Candidate pairs at or above ``config.floor_weight``, with their waterfall explanations.

    ``pairs`` columns: left_key, right_key (left_key < right_key), match_weight, match_probability,
    explanation (JSON list of {"comparison", "level", "weight"}; prior_weight + sum(weights) ==
    match_weight), then ``l_<comparison>`` (level label) and ``w_<comparison>`` (weight) per comparison.
    """

    pairs: pd.DataFrame
    prior_weight: float
    report: dict[str, Any]
    model: dict[str, Any]


def score(
    records: pd.DataFrame,
    config: LinkConfig | None = None,
    decisions: pd.DataFrame | None = None,
    truth: pd.Series | None = None,
) -> ScoredPairs:
    """Block, compare and score ``records`` (the canonical table, keyed by ``record_key``).

    ``decisions`` (steward decisions, linkage/linked.py DECISION_COLUMNS): once at least
    ``config.min_labels`` MATCH and NON_MATCH labels fall on candidate pairs, EM runs semi-supervised —
    labelled pairs keep their label as fixed responsibility. ``truth`` (record_key → entity id) only
    feeds the blocking report's pair completeness.
    """
    from .backends import get_backend
    from .scoring.pipeline import estimate_and_score

    config = config or LinkConfig.default()
    backend = get_backend(config.backend)
    return estimate_and_score(backend, records, config, decisions, truth)
