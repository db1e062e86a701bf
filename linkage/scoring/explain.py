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


def waterfall_json(
    names: tuple[str, ...],
    labels: list[np.ndarray],
    weights: list[np.ndarray],
    level_codes: list[np.ndarray] | None = None,
    weight_follows_level: list[bool] | None = None,
) -> pd.Series:
    """JSON list of {"comparison", "level", "weight"} per pair, comparisons in model order.

    Each comparison's (level, rounded weight) becomes a fragment code; each distinct row of fragment
    codes is rendered once — pairs share rows, as their weights come from a few levels.
    ``level_codes`` (the integer level behind each label, when the caller has it) spares factorising
    the label strings, which dominated this at millions of pairs. ``weight_follows_level[c]`` says
    comparison c's weight is a function of its level (no term-frequency adjustment), so its fragments
    need no pass over the weights.
    """
    if not names or len(labels[0]) == 0:
        return pd.Series([], dtype=object)
    fragments: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for c, (name, label, weight) in enumerate(zip(names, labels, weights, strict=True)):
        rounded = np.round(weight, WEIGHT_DECIMALS)
        level = pd.factorize(label)[0] if level_codes is None else level_codes[c].astype(np.int64) + 1
        if weight_follows_level is not None and weight_follows_level[c]:
            code, first = _distinct_rows([level])
        else:
            code, first = _distinct_rows([level, pd.factorize(rounded)[0]])
        fragments.append(
            np.array(
                [
                    json.dumps({"comparison": name, "level": label[i], "weight": float(rounded[i])})
                    for i in first
                ],
                dtype=object,
            )
        )
        codes.append(code)
    row, first = _distinct_rows(codes)
    rendered = np.array(
        ["[" + ", ".join(f[c[i]] for f, c in zip(fragments, codes, strict=True)) + "]" for i in first],
        dtype=object,
    )
    return pd.Series(rendered[row])


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Code of each row of the integer ``columns`` (0, 1, … in order of first appearance) and the
    position of each code's first row. Folds one column at a time into a running code, so keys stay
    below rows × distinct values (a MultiIndex would build a Python tuple per row)."""
    row = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        row = pd.factorize(row * (int(column.max()) + 1) + column)[0]
    first = np.empty(int(row.max(initial=-1)) + 1, dtype=np.int64)
    first[row[::-1]] = np.arange(len(row) - 1, -1, -1)  # the last write per code is its first row
    return row, first
