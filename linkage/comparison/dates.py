"""Birth-date comparison tolerant of the ways dates are mis-recorded.

Day and month get swapped (03/04 read as 4 March or 3 April — standardisation keeps the second reading
in ``birth_date_alt``), a year is off by one (age declared rather than documented), or one digit is
mistyped. Levels, strongest first: exact; day/month swap; year off by one with the same day and month;
one digit; same year; different. Dates are ISO ``YYYY-MM-DD`` strings, parsed once per distinct value.
"""

from __future__ import annotations

import numpy as np

from .base import Comparison, assign_levels
from .kernels import PairFrame

DIGITS = 8


class DateComparison(Comparison):
    levels = ("exact", "day_month_swap", "year_off_by_one", "one_digit", "same_year", "different")

    def __init__(
        self, name: str = "birth_date", column: str = "birth_date", alt_column: str = "birth_date_alt"
    ) -> None:
        self.name = name
        self.column = column
        self.alt_column = alt_column
        self.tf_column = None

    def compare(self, pairs: PairFrame) -> np.ndarray:
        # Parsed once per distinct date for the whole run (every pair chunk shares it).
        year, month, day, packed = pairs.per_record(self.column, "date fields", _fields).T
        left, right = pairs.left, pairs.right
        year_l, month_l, day_l = year[left], month[left], day[left]
        year_r, month_r, day_r = year[right], month[right], day[right]
        swap = (year_l == year_r) & (month_l == day_r) & (day_l == month_r) & (month_l != day_l)
        if self.alt_column in pairs.records:
            swap |= pairs.cross_exact(self.column, self.alt_column)
        # The digits two dates differ in are the non-zero nibbles of their packed digits' XOR.
        differ = packed[left] ^ packed[right]
        differ = (differ | differ >> 1 | differ >> 2 | differ >> 3) & 0x11111111
        same_year = year_l == year_r
        conditions = [
            pairs.exact(self.column),
            swap,
            (np.abs(year_l - year_r) == 1) & (month_l == month_r) & (day_l == day_r),
            np.bitwise_count(differ) == 1,
            same_year,
        ]
        missing = pairs.either_missing(self.column) | (year_l < 0) | (year_r < 0)
        return assign_levels(conditions, missing)


def _fields(values: np.ndarray) -> np.ndarray:
    """Columns year, month, day (-1 when unparseable) and the eight digits packed one per nibble, one
    row per distinct date plus a trailing missing row."""
    digits = _digits(values)
    year, month, day = _parts(digits)
    unparsed = digits[:, 0] < 0
    nibbles = np.uint32(1) << (4 * np.arange(DIGITS - 1, -1, -1, dtype=np.uint32))
    packed = np.where(unparsed[:, None], 0, digits).astype(np.uint32) @ nibbles
    return np.column_stack([np.where(unparsed, -1, year), month, day, packed.astype(np.int64)])


def _digits(values: np.ndarray) -> np.ndarray:
    """YYYYMMDD digits per distinct ISO date (row of -1 for unparseable), plus a trailing missing row."""
    out = np.full((len(values) + 1, DIGITS), -1, dtype=np.int16)
    for i, value in enumerate(values):
        compact = str(value).replace("-", "")
        if len(compact) == DIGITS and compact.isdigit():
            out[i] = [int(c) for c in compact]
    return out


def _parts(digits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    weights = np.array([1000, 100, 10, 1])
    year = digits[:, :4] @ weights
    month = digits[:, 4:6] @ weights[2:]
    day = digits[:, 6:8] @ weights[2:]
    return year, month, day
