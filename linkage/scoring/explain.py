"""Per-pair explanations: the match-weight waterfall as level/weight columns and a JSON string.

The JSON is assembled from per-level fragments with vectorised string concatenation: a pair's weights
take few distinct values (one per level, plus TF-adjusted exact levels), so no per-pair json.dumps.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..comparison.base import NULL_LABEL

WEIGHT_DECIMALS = 4


def level_labels(levels: np.ndarray, labels: tuple[str, ...]) -> np.ndarray:
    """Level label of each pair ("null" for NULL_LEVEL)."""
    table = np.array([*labels, NULL_LABEL], dtype=object)
    return table[levels]  # NULL_LEVEL (-1) indexes the trailing "null"


def waterfall_json(names: tuple[str, ...], labels: list[np.ndarray], weights: list[np.ndarray]) -> pd.Series:
    """JSON list of {"comparison", "level", "weight"} per pair, comparisons in model order.

    Each comparison's (level, rounded weight) becomes a fragment code; each distinct row of fragment
    codes is rendered once — pairs share rows, as their weights come from a few levels.
    """
    if not names or len(labels[0]) == 0:
        return pd.Series([], dtype=object)
    fragments: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for name, label, weight in zip(names, labels, weights, strict=True):
        rounded = np.round(weight, WEIGHT_DECIMALS)
        code, distinct = pd.MultiIndex.from_arrays([label, rounded]).factorize()
        fragments.append(
            np.array(
                [json.dumps({"comparison": name, "level": lv, "weight": float(w)}) for lv, w in distinct],
                dtype=object,
            )
        )
        codes.append(code)
    row, distinct_rows = pd.MultiIndex.from_arrays(codes).factorize()
    rendered = np.array(
        [
            "[" + ", ".join(f[c] for f, c in zip(fragments, combo, strict=True)) + "]"
            for combo in distinct_rows
        ],
        dtype=object,
    )
    return pd.Series(rendered[row])
