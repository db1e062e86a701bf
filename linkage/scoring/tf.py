"""Term-frequency adjustment: agreeing on a common value is weaker evidence than on a rare one.

For a comparison whose exact level is TF-adjusted, the level's u (chance agreement) is replaced, per
value v, by the value's frequency tf_v. Written as an adjustment to the level weight:
``adj(v) = log2(u_exact / tf_v)`` where ``u_exact = Σ tf²`` is the exact chance that two random records
agree on this column. Averaged over chance agreements (value v drawn with probability tf_v² / Σ tf²),
2^adj has mean 1, so the adjustment redistributes the level's evidence between common and rare values
without inflating it overall: SITI AMINAH agreeing counts for less than SRI WAHYUNINGSIH agreeing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_ADJUSTMENT = 10.0  # bits; bounds the effect of a value seen once in a tiny table


def record_frequencies(values: pd.Series) -> tuple[np.ndarray, float]:
    """(relative frequency of each record's value, NaN when missing; Σ tf² over distinct values)."""
    present = values.fillna("").astype(str)
    present = present[present != ""]
    if present.empty:
        return np.full(len(values), np.nan), 1.0
    shares = present.value_counts(normalize=True)
    per_record = values.map(shares).to_numpy(dtype=np.float64)
    return per_record, float((shares.to_numpy() ** 2).sum())


def adjustments(tf_left: np.ndarray, tf_right: np.ndarray, u_exact: float) -> np.ndarray:
    """Adjustment in bits for pairs agreeing exactly (the two tf are then equal; max guards typos)."""
    tf = np.fmax(tf_left, tf_right)
    return np.clip(np.log2(u_exact / tf), -MAX_ADJUSTMENT, MAX_ADJUSTMENT)
