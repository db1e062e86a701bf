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
    """Candidate pairs (positions ``left``/``right`` into ``records``) with per-column caches.

    Per-*record* caches (factorised columns, derived codes, token sets) are shared by every PairFrame
    made with :meth:`for_pairs`: the backend compares pairs in chunks, and recomputing a million
    records' codes for each chunk made the work grow with chunks × records. Per-*pair* caches (the
    two codes of each pair, distinct value pairs) belong to one PairFrame.
    """

    records: pd.DataFrame
    left: np.ndarray
    right: np.ndarray
    _codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _distinct: dict[str, DistinctPairs] = field(default_factory=dict, repr=False)
    _token_sets: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False
    )
    _derived: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)
    _pair_codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.left)

    def for_pairs(self, left: np.ndarray, right: np.ndarray) -> PairFrame:
        """Other pairs of the same records, reusing the per-record caches (factorised columns, tokens)."""
        return PairFrame(
            self.records,
            left,
            right,
            _codes=self._codes,
            _token_sets=self._token_sets,
            _derived=self._derived,
        )

    def factorised(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(code per record, distinct values); "" and NA get code MISSING."""
        if column not in self._codes:
            if column not in self.records:
                raise KeyError(f"comparison needs column {column!r}, absent from the records")
            values = self.records[column]
            if values.dtype != object:
                values = values.astype(str)
            found, distinct = pd.factorize(values, use_na_sentinel=True)  # NA → MISSING
            codes = found.astype(np.int64)
            uniques = np.asarray(distinct, dtype=object)
            # "" is missing too. Its code is left unused (codes need not be dense): a fillna + replace
            # pass over every record cost seconds per column at a million people.
            empty = np.flatnonzero(uniques == "")
            if len(empty):
                codes[codes == empty[0]] = MISSING
            self._codes[column] = (codes, uniques)
        return self._codes[column]

    def derived_codes(self, column: str, name: str, derive: Callable[[str], str]) -> np.ndarray:
        """Per record, an integer code of ``derive(value)`` (MISSING where the value is missing or
        derives to ""); ``derive`` runs once per distinct value and the result is cached under
        (column, name), so pairs compare integers."""
        if (column, name) not in self._derived:
            codes, uniques = self.factorised(column)
            derived = pd.Series([derive(str(v)) for v in uniques], dtype=object)
            derived_codes, _ = pd.factorize(derived.replace("", None), use_na_sentinel=True)
            table = np.append(derived_codes.astype(np.int64), MISSING)  # code MISSING → last → MISSING
            self._derived[(column, name)] = table[codes]
        return self._derived[(column, name)]

    def per_record(self, column: str, name: str, build: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Per record, ``build(distinct values)[code]``: ``build`` returns one row per distinct value
        plus a trailing row for a missing value; it runs once and the result is cached under
        (column, name)."""
        if (column, name) not in self._derived:
            codes, uniques = self.factorised(column)
            self._derived[(column, name)] = build(uniques)[codes]  # MISSING (-1) → the trailing row
        return self._derived[(column, name)]

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """Value codes of the left and right record of each pair (cached: comparisons ask often)."""
        if column not in self._pair_codes:
            codes, _ = self.factorised(column)
            self._pair_codes[column] = (codes[self.left], codes[self.right])
        return self._pair_codes[column]

    def either_missing(self, column: str) -> np.ndarray:
        left, right = self.codes(column)
        return (left == MISSING) | (right == MISSING)

    def exact(self, column: str) -> np.ndarray:
        left, right = self.codes(column)
        return (left == right) & (left != MISSING)

    def same_derived(self, column: str, name: str, derive: Callable[[str], str]) -> np.ndarray:
        """Both records' ``derive(value)`` equal and non-empty (see :meth:`derived_codes`)."""
        codes = self.derived_codes(column, name, derive)
        left, right = codes[self.left], codes[self.right]
        return (left == right) & (left != MISSING)

    def cross_exact(self, column: str, other: str) -> np.ndarray:
        """``column`` of one record equals ``other`` of the other record, either way round."""
        key = (column, f"cross:{other}")
        if key not in self._derived:
            first, second = self.records[column].fillna(""), self.records[other].fillna("")
            joint, _ = pd.factorize(pd.concat([first, second], ignore_index=True).replace("", None))
            self._derived[key] = joint[: len(first)].astype(np.int64)
            self._derived[(other, f"cross:{column}")] = joint[len(first) :].astype(np.int64)
        a, b = self._derived[key], self._derived[(other, f"cross:{column}")]
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
        """Per record, the codes of its tokens: a flat array and per-record offsets (CSR); cached.

        Values are split once per distinct value, then spread to the records that hold them."""
        if (column, separator) not in self._token_sets:
            codes, uniques = self.factorised(column)
            exploded = pd.Series(uniques, dtype=object).str.split(separator).explode()
            exploded = exploded[exploded.notna() & (exploded != "")]
            token_codes, _ = pd.factorize(exploded)
            owner = exploded.index.to_numpy(dtype=np.int64)  # position of the distinct value
            value_sizes = np.bincount(owner, minlength=len(uniques))
            value_offsets = np.concatenate([[0], np.cumsum(value_sizes)])
            present = np.flatnonzero(codes != MISSING)
            sizes = np.zeros(len(codes), dtype=np.int64)
            sizes[present] = value_sizes[codes[present]]
            offsets = np.concatenate([[0], np.cumsum(sizes)])
            _, flat = _gather(token_codes.astype(np.int64), value_offsets, codes[present])
            self._token_sets[(column, separator)] = (flat, offsets)
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
