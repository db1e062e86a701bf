"""The in-memory backend: NumPy arrays of pair positions and levels, pandas for keys and output."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..blocking import KEY_INPUTS, CandidatePairs, blocking_keys, candidate_pairs
from ..comparison.base import Comparison
from ..comparison.kernels import PairFrame
from ..engine import LinkConfig
from ..scoring import tf
from ..scoring.explain import level_labels, waterfall_json
from ..scoring.model import FellegiSunterModel
from .base import Backend, PatternCounts

MATCH, NON_MATCH = "MATCH", "NON_MATCH"
PAIR_CHUNK = 500_000


@dataclass
class PandasVectors:
    keys: pd.DataFrame  # records plus derived keys, positional index
    view: PairFrame  # no pairs: holds the per-record caches shared by candidate and random pairs
    candidates: CandidatePairs
    comparisons: tuple[Comparison, ...]
    levels: np.ndarray  # pairs × comparisons, int8
    tf_adjustment: list[np.ndarray | None]  # per comparison: bits for exact-level pairs, else None


class PandasBackend(Backend[PandasVectors]):
    name = "pandas"

    def comparison_vectors(
        self, records: pd.DataFrame, config: LinkConfig, truth: pd.Series | None
    ) -> PandasVectors:
        needed = {c for comparison in config.comparisons for c in comparison.columns()}
        needed |= {c for rule in config.blocking_rules for c in (*rule.columns(), rule.sub_block_on)}
        keys = blocking_keys(_keyed(records, needed))
        candidates = candidate_pairs(
            keys, config.blocking_rules, config.max_block_size, config.cross_source_only, truth
        )
        view = PairFrame(keys, np.empty(0, np.int64), np.empty(0, np.int64))
        levels = _levels(view, candidates.left, candidates.right, config.comparisons)
        adjustments = [
            self._tf(keys, candidates, comparison, levels[:, c])
            for c, comparison in enumerate(config.comparisons)
        ]
        return PandasVectors(keys, view, candidates, config.comparisons, levels, adjustments)

    @staticmethod
    def _tf(
        keys: pd.DataFrame, candidates: CandidatePairs, comparison: Comparison, levels: np.ndarray
    ) -> np.ndarray | None:
        if comparison.tf_column is None:
            return None
        frequency, u_exact = tf.record_frequencies(keys[comparison.tf_column])
        exact = levels == 0
        out = np.zeros(len(levels))
        out[exact] = tf.adjustments(
            frequency[candidates.left[exact]], frequency[candidates.right[exact]], u_exact
        )
        return out

    def blocking_report(self, vectors: PandasVectors) -> dict[str, Any]:
        return vectors.candidates.report

    def random_pair_levels(
        self, vectors: PandasVectors, config: LinkConfig
    ) -> tuple[list[np.ndarray], int, int]:
        left, right, possible = random_pairs(
            vectors.keys, config.u_sample_pairs, config.cross_source_only, config.u_sample_seed
        )
        levels = _levels(vectors.view, left, right, vectors.comparisons)
        counts = [
            np.bincount(column[column >= 0], minlength=len(comparison.levels)).astype(float)
            for column, comparison in zip(levels.T, vectors.comparisons, strict=True)
        ]
        return counts, len(left), possible

    def pattern_counts(self, vectors: PandasVectors, decisions: pd.DataFrame | None) -> PatternCounts:
        label = self._labels(vectors, decisions)
        # The label is one more column of the pattern, so labelled pairs form their own rows.
        radix = [len(c.levels) + 1 for c in vectors.comparisons] + [3]
        if math.prod(radix) < 2**62:
            # One integer per pattern (mixed radix, built column by column: a pairs × comparisons int64
            # matrix took GBs), counted by hashing; patterns are few, so only they are sorted.
            code = np.zeros(len(label), dtype=np.int64)
            for c in range(len(vectors.comparisons)):
                code *= radix[c]
                code += vectors.levels[:, c] + 1  # NULL_LEVEL → 0
            code = code * 3 + (label + 1)
            found, patterns = pd.factorize(code)
            counts = np.bincount(found, minlength=len(patterns))
            order = np.argsort(patterns)
            patterns, counts = patterns[order], counts[order]
            rows = np.empty((len(patterns), len(radix)), dtype=np.int64)
            for c in range(len(radix) - 1, -1, -1):
                rows[:, c] = patterns % radix[c] - 1
                patterns = patterns // radix[c]
        else:
            tagged = np.column_stack([vectors.levels, label]).astype(np.int64) + 1  # NULL_LEVEL → 0
            rows, counts = np.unique(tagged, axis=0, return_counts=True)
            rows = rows - 1
        fixed = np.where(rows[:, -1] == 1, 1.0, np.where(rows[:, -1] == 0, 0.0, np.nan))
        return PatternCounts(
            rows[:, :-1].astype(np.int8),
            counts,
            fixed,
            int(np.count_nonzero(label == 1)),
            int(np.count_nonzero(label == 0)),
        )

    @staticmethod
    def _labels(vectors: PandasVectors, decisions: pd.DataFrame | None) -> np.ndarray:
        """Per pair: 1 MATCH, 0 NON_MATCH, -1 unlabelled (the latest decision per pair wins)."""
        n = len(vectors.levels)
        label = np.full(n, -1, dtype=np.int8)
        if decisions is None:
            return label
        missing = {"left_key", "right_key", "decision"} - set(decisions.columns)
        if missing:
            raise ValueError(f"decisions lack columns {sorted(missing)}")
        if decisions.empty or n == 0:
            return label
        position = pd.Series(np.arange(len(vectors.keys)), index=vectors.keys["record_key"].to_numpy())
        latest = decisions.drop_duplicates(["left_key", "right_key"], keep="last")
        latest = latest[latest["decision"].isin([MATCH, NON_MATCH])]
        left = position.reindex(latest["left_key"]).to_numpy()
        right = position.reindex(latest["right_key"]).to_numpy()
        known = ~(np.isnan(left) | np.isnan(right))
        low = np.minimum(left[known], right[known]).astype(np.int64)
        high = np.maximum(left[known], right[known]).astype(np.int64)
        total = len(vectors.keys)
        pair_id = vectors.candidates.left * total + vectors.candidates.right
        where = pd.Series(np.arange(n), index=pair_id).reindex(low * total + high).to_numpy()
        on_candidates = ~np.isnan(where)
        is_match = (latest["decision"].to_numpy()[known] == MATCH)[on_candidates]
        label[where[on_candidates].astype(np.int64)] = is_match.astype(np.int8)
        return label

    def scored_pairs(self, vectors: PandasVectors, model: FellegiSunterModel, floor: float) -> pd.DataFrame:
        tables = [np.append(model.level_weights(c), 0.0) for c in range(len(vectors.comparisons))]
        # The total first, summed in place in comparison order: a pairs × comparisons matrix of floats
        # took GBs at a million people, and the per-comparison weights are only needed for kept pairs.
        total = np.zeros(len(vectors.levels))
        for c, table in enumerate(tables):
            total += self._weights(vectors, c, table, slice(None))
        total = model.prior_weight + total
        keep = np.flatnonzero(total >= floor)
        keep = keep[np.argsort(-total[keep], kind="stable")]  # strongest first
        weights = [self._weights(vectors, c, table, keep) for c, table in enumerate(tables)]
        return self._frame(vectors, model, keep, total[keep], weights)

    @staticmethod
    def _weights(vectors: PandasVectors, c: int, table: np.ndarray, pairs: slice | np.ndarray) -> np.ndarray:
        """Comparison ``c``'s weight for ``pairs``: its level's weight (``table``, NULL_LEVEL → the
        trailing 0) plus the term-frequency adjustment where it has one."""
        weight = table[vectors.levels[pairs, c]]
        adjustment = vectors.tf_adjustment[c]
        return weight if adjustment is None else weight + adjustment[pairs]

    @staticmethod
    def _frame(
        vectors: PandasVectors,
        model: FellegiSunterModel,
        keep: np.ndarray,
        total: np.ndarray,
        weights: list[np.ndarray],
    ) -> pd.DataFrame:
        """The kept pairs, in ``keep``'s order, with their explanation columns."""
        record_key = vectors.keys["record_key"].to_numpy()
        left = record_key[vectors.candidates.left[keep]]
        right = record_key[vectors.candidates.right[keep]]
        swap = left > right
        levels = [vectors.levels[keep, c] for c in range(len(vectors.comparisons))]
        labels = [
            level_labels(level, comparison.levels)
            for level, comparison in zip(levels, vectors.comparisons, strict=True)
        ]
        columns: dict[str, np.ndarray] = {
            "left_key": np.where(swap, right, left),
            "right_key": np.where(swap, left, right),
            "match_weight": total,
            "match_probability": 1.0 / (1.0 + np.exp2(-total)),
            "explanation": waterfall_json(
                model.comparisons, labels, weights, levels, [a is None for a in vectors.tf_adjustment]
            ).to_numpy(),
        }
        for comparison, label, weight in zip(vectors.comparisons, labels, weights, strict=True):
            columns[f"l_{comparison.name}"] = label
            columns[f"w_{comparison.name}"] = weight
        return pd.DataFrame(columns)


def _levels(
    view: PairFrame, left: np.ndarray, right: np.ndarray, comparisons: tuple[Comparison, ...]
) -> np.ndarray:
    """Pairs × comparisons levels, in chunks: a chunk's similarity caches are freed before the next,
    which bounds peak memory at any number of pairs."""
    # Column-major: each comparison's levels are contiguous, as every later pass reads one comparison.
    levels = np.empty((len(left), len(comparisons)), dtype=np.int8, order="F")
    for start in range(0, len(left), PAIR_CHUNK):
        chunk = slice(start, start + PAIR_CHUNK)
        pairs = view.for_pairs(left[chunk], right[chunk])
        for c, comparison in enumerate(comparisons):
            levels[chunk, c] = comparison.compare(pairs)
    return levels


def random_pairs(
    keys: pd.DataFrame, max_pairs: int, cross_source_only: bool, seed: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Up to ``max_pairs`` pairs of distinct records drawn uniformly (all when few), and how many exist."""
    n = len(keys)
    source = pd.factorize(keys["source"])[0]
    sizes = np.bincount(source).astype(float) if n else np.zeros(0)
    possible = int((n * n - (sizes**2).sum()) // 2) if cross_source_only else n * (n - 1) // 2
    if possible <= max_pairs:
        left, right = np.triu_indices(n, 1)
    else:
        rng = np.random.default_rng(seed)
        # Draw extra to survive the filters (same record; same source when linking across sources).
        draw = int(max_pairs * 1.2) + 1000
        left, right = rng.integers(0, n, draw), rng.integers(0, n, draw)
    keep = left != right
    if cross_source_only:
        keep &= source[left] != source[right]
    return left[keep][:max_pairs], right[keep][:max_pairs], possible


def _keyed(records: pd.DataFrame, keep: set[str]) -> pd.DataFrame:
    """The ``keep`` columns (and key inputs) of the records, with ``record_key`` as a unique column and
    a positional index."""
    frame = records
    if "record_key" not in frame.columns:
        if frame.index.name != "record_key":
            raise ValueError("records need a record_key column or index")
        frame = frame.reset_index()
    columns = [c for c in frame.columns if c in keep or c in KEY_INPUTS]
    frame = frame[columns].reset_index(drop=True)
    duplicated = frame["record_key"].duplicated()
    if duplicated.any():
        sample = frame.loc[duplicated, "record_key"].head(3).tolist()
        raise ValueError(f"record_key must be unique; repeated: {sample}")
    if "source" not in frame.columns:
        frame = frame.assign(source=frame["record_key"].astype(str).str.split(":").str[0])
    return frame
