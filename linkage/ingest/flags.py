"""Row flags: '|'-joined names of what looked wrong, kept beside the value instead of dropping it."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def join_flags(index: pd.Index, parts: Iterable[pd.Series]) -> pd.Series:
    """Join flag columns ("" = no flag) row-wise into one '|'-separated column on ``index``."""
    joined = pd.Series("", index=index, dtype=object)
    for part in parts:
        joined = joined.str.cat(part.reindex(index, fill_value="").astype(str), sep="|")
    return joined.str.replace(r"\|{2,}", "|", regex=True).str.strip("|")


def count_flags(flags: pd.Series) -> dict[str, int]:
    """How many rows carry each flag."""
    named = flags[flags != ""]
    if named.empty:
        return {}
    counts = named.str.split("|").explode().value_counts()
    return {str(flag): int(count) for flag, count in counts.sort_index().items()}
