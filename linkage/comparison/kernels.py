"""Vectorised similarity kernels over candidate pairs.

Every column is factorised once (one integer code per distinct value); a similarity is computed once per
*distinct value pair* — rapidfuzz's C++ ``cpdist`` over the deduplicated pairs — and broadcast back to the
candidate pairs. Blocking makes value pairs repeat a lot (same name, same date), so this is far less
work than one call per pair, and nothing runs a Python loop per pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import process

MISSING = -1
Scorer = Callable[..., Any]


@dataclass
class PairFrame:
    """Candidate pairs (positions ``left``/``right`` into ``records``) with per-column caches."""

    records: pd.DataFrame
    left: np.ndarray
    right: np.ndarray
    _codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _distinct: dict[str, DistinctPairs] = field(default_factory=dict, repr=False)
    _token_sets: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False
    )

    def __len__(self) -> int:
        return len(self.left)

    def for_pairs(self, left: np.ndarray, right: np.ndarray) -> PairFrame:
        """Other pairs of the same records, reusing the per-record caches (factorised columns, tokens)."""
        return PairFrame(self.records, left, right, _codes=self._codes, _token_sets=self._token_sets)

    def factorised(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(code per record, distinct values); "" and NA get code MISSING."""
        if column not in self._codes:
            if column not in self.records:
                raise KeyError(f"comparison needs column {column!r}, absent from the records")
            values = self.records[column].fillna("").astype(str)
            codes, uniques = pd.factorize(values.replace("", None), use_na_sentinel=True)
            self._codes[column] = (codes.astype(np.int64), np.asarray(uniques, dtype=object))
        return self._codes[column]

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Value codes of the left and right record of each pair."""
        codes, _ = self.factorised(column)
        return codes[self.left], codes[self.right]

    def either_missing(self, column: str) -> np.ndarray:
        left, right = self.codes(column)
        return (left == MISSING) | (right == MISSING)

    def exact(self, column: str) -> np.ndarray:
        left, right = self.codes(column)
        return (left == right) & (left != MISSING)

    def cross_exact(self, column: str, other: str) -> np.ndarray:
        """``column`` of one record equals ``other`` of the other record, either way round."""
        first, second = self.records[column].fillna(""), self.records[other].fillna("")
        joint, _ = pd.factorize(pd.concat([first, second], ignore_index=True).replace("", None))
        a, b = joint[: len(first)], joint[len(first) :]
        forward = (a[self.left] == b[self.right]) & (a[self.left] != MISSING)
        backward = (a[self.right] == b[self.left]) & (a[self.right] != MISSING)
        return forward | backward

    def similarity(
        self,
        column: str,
        scorer: Scorer,
        processor: Callable[[str], str] | None = None,
        where: np.ndarray | None = None,
        score_cutoff: float | None = None,
    ) -> np.ndarray:
        """``scorer`` of each pair's two values, computed once per distinct value pair; NaN when missing.

        ``where`` (bool per pair) limits the work to the pairs a stronger level has not already settled.
        ``score_cutoff`` is rapidfuzz's: a similarity below it reads 0, a distance above it cutoff + 1,
        and the scorer may stop early — levels only ask "at least/at most the threshold?".
        """
        distinct = self._distinct_pairs(column)
        out = np.full(len(self), np.nan)
        wanted = distinct.present if where is None else distinct.present & where
        if not wanted.any():
            return out
        is_needed = np.zeros(len(distinct.queries), dtype=bool)
        is_needed[distinct.inverse[wanted[distinct.present]]] = True
        needed = np.flatnonzero(is_needed)
        scores = np.full(len(distinct.queries), np.nan)
        scores[needed] = process.cpdist(
            distinct.queries[needed].tolist(),
            distinct.choices[needed].tolist(),
            scorer=scorer,
            processor=processor,
            score_cutoff=score_cutoff,
            workers=-1,
            dtype=np.float64,
        )
        out[distinct.present] = scores[distinct.inverse]
        if where is not None:
            out[~where] = np.nan
        return out

    def token_overlap(
        self, column: str, separator: str, where: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For pairs in ``where``: (left tokens found on the right, left tokens, right tokens found on
        the left, right tokens), splitting values on ``separator``. Zeros outside ``where``.

        Vectorised over (pair, token) keys — no loop per pair or per distinct value pair.
        """
        counts = [np.zeros(len(self), dtype=np.int64) for _ in range(4)]
        chosen = np.flatnonzero(where)
        if len(chosen) == 0:
            return counts[0], counts[1], counts[2], counts[3]
        flat, offsets = self._token_set(column, separator)
        left_pair, left_token = _gather(flat, offsets, self.left[chosen])
        right_pair, right_token = _gather(flat, offsets, self.right[chosen])
        width = int(flat.max(initial=0)) + 1
        left_key, right_key = left_pair * width + left_token, right_pair * width + right_token
        found_left = _member(left_key, right_key)
        found_right = _member(right_key, left_key)
        for out, pair in zip(
            counts,
            (left_pair[found_left], left_pair, right_pair[found_right], right_pair),
            strict=True,
        ):
            out[chosen] = np.bincount(pair, minlength=len(chosen))
        return counts[0], counts[1], counts[2], counts[3]

    def token_counts(self, column: str, separator: str) -> np.ndarray:
        """Per record, how many tokens its value splits into on ``separator`` (0 when empty)."""
        _, offsets = self._token_set(column, separator)
        return np.diff(offsets)

    def _token_set(self, column: str, separator: str) -> tuple[np.ndarray, np.ndarray]:
        """Per record, the codes of its tokens: a flat array and per-record offsets (CSR); cached."""
        if (column, separator) not in self._token_sets:
            values = self.records[column].fillna("").astype(str).reset_index(drop=True)
            exploded = values.str.split(separator).explode()  # index: record position, in order
            exploded = exploded[exploded.notna() & (exploded != "")]
            codes, _ = pd.factorize(exploded)
            owner = exploded.index.to_numpy(dtype=np.int64)
            sizes = np.bincount(owner, minlength=len(values))
            offsets = np.concatenate([[0], np.cumsum(sizes)])
            self._token_sets[(column, separator)] = (codes.astype(np.int64), offsets)
        return self._token_sets[(column, separator)]

    def _distinct_pairs(self, column: str) -> DistinctPairs:
        """The column's value pairs deduplicated (order-free); cached, as comparisons score a column often."""
        if column not in self._distinct:
            codes, uniques = self.factorised(column)
            left, right = codes[self.left], codes[self.right]
            present = (left != MISSING) & (right != MISSING)
            low = np.minimum(left[present], right[present])
            high = np.maximum(left[present], right[present])
            inverse, distinct = pd.factorize(low * len(uniques) + high)
            self._distinct[column] = DistinctPairs(
                present, inverse, uniques[distinct // len(uniques)], uniques[distinct % len(uniques)]
            )
        return self._distinct[column]


@dataclass
class DistinctPairs:
    """A column's distinct value pairs and, for each pair with both values, which one it is."""

    present: np.ndarray
    inverse: np.ndarray
    queries: np.ndarray  # object arrays of the two values of each distinct pair
    choices: np.ndarray


def _gather(flat: np.ndarray, offsets: np.ndarray, records: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pair number, token code) for every token of each pair's record: a vectorised CSR row gather."""
    lengths = offsets[records + 1] - offsets[records]
    pair = np.repeat(np.arange(len(records)), lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return pair, flat[np.repeat(offsets[records], lengths) + within]


def _member(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin`` by binary search: NumPy's isin deduplicates first, which is far slower here."""
    ordered = np.sort(pool)
    if len(ordered) == 0:
        return np.zeros(len(values), dtype=bool)
    position = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[position] == values
