"""The Fellegi–Sunter model: m and u probabilities per comparison level, and the match prior.

``m[c][k]`` = P(comparison c at level k | match), ``u[c][k]`` = P(level k | non-match) and ``lambda_`` the
share of matches: among candidate pairs straight out of EM, among all record pairs once u comes from
random pairs (:mod:`.random_u`; ``candidate_lambda`` then keeps the EM share). A level's
weight is log2(m/u); a pair's match weight is the prior weight log2(λ/(1-λ)) plus its levels' weights
(plus term-frequency adjustments), so match_probability = 2^w / (1 + 2^w).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class FellegiSunterModel:
    comparisons: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    m: list[np.ndarray]
    u: list[np.ndarray]
    lambda_: float
    iterations: int = 0
    converged: bool = False
    labelled_pairs: int = 0
    level_counts: list[np.ndarray] | None = None  # candidate pairs observed per level (None: unknown)
    # Expected matching candidate pairs on which each comparison is not missing (from EM).
    present_matches: list[float] | None = None
    candidate_lambda: float | None = None  # share of matches among candidate pairs, when λ is over all pairs

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.lambda_ / (1.0 - self.lambda_)))

    def level_weights(self, comparison: int) -> np.ndarray:
        """log2(m/u) of each level of one comparison."""
        return np.log2(self.m[comparison] / self.u[comparison])

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable parameters (for run.json and the docs' m/u tables)."""
        return {
            "lambda": self.lambda_,
            "candidate_lambda": self.candidate_lambda,
            "prior_weight": self.prior_weight,
            "iterations": self.iterations,
            "converged": self.converged,
            "labelled_pairs": self.labelled_pairs,
            "comparisons": {
                name: [
                    {
                        "level": label,
                        "m": float(m),
                        "u": float(u),
                        "weight": float(np.log2(m / u)),
                        # A level no pair reached has prior-only m/u: its weight is never applied.
                        "pairs": None if self.level_counts is None else int(self.level_counts[i][k]),
                    }
                    for k, (label, m, u) in enumerate(zip(labels, self.m[i], self.u[i], strict=True))
                ]
                for i, (name, labels) in enumerate(zip(self.comparisons, self.levels, strict=True))
            },
        }
