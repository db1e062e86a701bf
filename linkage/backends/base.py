"""The backend seam: where pairs live and how they are blocked, compared and scored.

The Fellegi–Sunter model never sees pairs, only *pattern counts* (how many candidate pairs fall on each
combination of comparison levels) — a table of a few thousand rows whatever the data size. A backend
therefore has three jobs: build comparison vectors for the candidate pairs, reduce them to pattern
counts (with steward labels), and apply a fitted model to emit the pairs above a weight floor. The pandas
backend does this in memory; a Spark backend would keep the vectors as a distributed frame and run the
same comparison families per partition, with the model code unchanged (as Splink keeps its SQL
backends apart from its model).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

from ..engine import LinkConfig
from ..scoring.model import FellegiSunterModel

Vectors = TypeVar("Vectors")


@dataclass
class PatternCounts:
    """Distinct level patterns (rows × comparisons, -1 = missing), their pair counts, and labels.

    ``fixed_responsibility`` is 1.0 / 0.0 for rows made of MATCH / NON_MATCH-labelled pairs, NaN else.
    """

    patterns: np.ndarray
    counts: np.ndarray
    fixed_responsibility: np.ndarray
    labelled_matches: int
    labelled_non_matches: int


class Backend(ABC, Generic[Vectors]):
    name: str

    @abstractmethod
    def comparison_vectors(
        self,
        records: pd.DataFrame,
        config: LinkConfig,
        truth: pd.Series | None,
    ) -> Vectors:
        """Block and compare: one level per comparison for every candidate pair."""

    @abstractmethod
    def blocking_report(self, vectors: Vectors) -> dict[str, Any]:
        """Pairs per rule, total pairs, oversized blocks and (with truth) pair completeness."""

    @abstractmethod
    def random_pair_levels(self, vectors: Vectors, config: LinkConfig) -> tuple[list[np.ndarray], int, int]:
        """(pairs per level of each comparison among random record pairs, pairs sampled, pairs possible)."""

    @abstractmethod
    def pattern_counts(self, vectors: Vectors, decisions: pd.DataFrame | None) -> PatternCounts:
        """Distinct level patterns with counts; steward-labelled pairs counted apart."""

    @abstractmethod
    def scored_pairs(self, vectors: Vectors, model: FellegiSunterModel, floor: float) -> pd.DataFrame:
        """Pairs with match_weight >= floor: keys, weights, probability, levels and explanation."""
