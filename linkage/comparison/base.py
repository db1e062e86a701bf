"""What a comparison is: a named field comparison that puts every candidate pair on one level.

Levels are ordered strongest agreement first; a pair whose field is missing on either side gets
``NULL_LEVEL`` and contributes no evidence (weight 0), as in Fellegi–Sunter with missing data. When
``tf_column`` is set, the first level ("exact") is term-frequency adjusted on that column's values: two
records sharing a common value (SITI AMINAH, a broker's phone) earn less than two sharing a rare one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from .kernels import PairFrame

NULL_LEVEL = -1
NULL_LABEL = "null"


class Comparison(ABC):
    """One comparison family instance (e.g. names on ``name_text``)."""

    name: str
    levels: tuple[str, ...]
    tf_column: str | None = None

    @abstractmethod
    def compare(self, pairs: PairFrame) -> np.ndarray:
        """Level index (int8, NULL_LEVEL when missing) of every pair."""

    def columns(self) -> set[str]:
        """Input columns, by convention the values of attributes named ``*column``."""
        return {v for k, v in vars(self).items() if k.endswith("column") and isinstance(v, str)}

    def label(self, level: int) -> str:
        return NULL_LABEL if level == NULL_LEVEL else self.levels[level]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def assign_levels(conditions: list[np.ndarray], missing: np.ndarray) -> np.ndarray:
    """First true condition wins (strongest first); pairs meeting none get the last level."""
    n = len(missing)
    levels = np.full(n, len(conditions), dtype=np.int8)
    unset = np.ones(n, dtype=bool)
    for i, condition in enumerate(conditions):
        hit = condition & unset
        levels[hit] = i
        unset &= ~hit
    levels[missing] = NULL_LEVEL
    return levels
