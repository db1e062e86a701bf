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
        codes, uniques = pairs.factorised(self.column)
        digits = _digits(uniques)
        year, month, day = _parts(digits)  # per distinct date, then looked up per pair
        lc, rc = codes[pairs.left], codes[pairs.right]
        year_l, month_l, day_l = year[lc], month[lc], day[lc]
        year_r, month_r, day_r = year[rc], month[rc], day[rc]
        left, right = digits[lc], digits[rc]
        swap = (year_l == year_r) & (month_l == day_r) & (day_l == month_r) & (month_l != day_l)
        if self.alt_column in pairs.records:
            swap |= pairs.cross_exact(self.column, self.alt_column)
        same_year = year_l == year_r
        conditions = [
            pairs.exact(self.column),
            swap,
            (np.abs(year_l - year_r) == 1) & (month_l == month_r) & (day_l == day_r),
            (left != right).sum(axis=1) == 1,
            same_year,
        ]
        missing = pairs.either_missing(self.column) | (left[:, 0] < 0) | (right[:, 0] < 0)
        return assign_levels(conditions, missing)


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
