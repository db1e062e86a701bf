"""Identifier comparisons: passport, phone, family-card number, region code, sex.

Identifiers agree exactly or by one keystroke; anything else is disagreement. Shared identifiers are
the classic false-link trap (a broker's phone on a hundred workers' forms, one KK number for a whole
family), which is what term-frequency adjustment on the exact level is for.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from rapidfuzz.distance import Levenshtein

from .base import Comparison, assign_levels
from .kernels import PairFrame


class ExactComparison(Comparison):
    levels = ("exact", "different")

    def __init__(self, name: str, column: str, tf: bool = False) -> None:
        self.name = name
        self.column = column
        self.tf_column = column if tf else None

    def compare(self, pairs: PairFrame) -> np.ndarray:
        return assign_levels([pairs.exact(self.column)], pairs.either_missing(self.column))


class IdentifierComparison(Comparison):
    """``disagreement_column``: values differing count as evidence only where both records also have
    this column (the phone a complaint desk wrote down is the reporter's: agreeing with the worker's
    forms says something, a family number; differing says nothing)."""

    levels = ("exact", "one_edit", "different")

    def __init__(
        self, name: str, column: str, tf: bool = True, disagreement_column: str | None = None
    ) -> None:
        self.name = name
        self.column = column
        self.tf_column = column if tf else None
        self.disagreement_column = disagreement_column

    def compare(self, pairs: PairFrame) -> np.ndarray:
        missing, exact = pairs.either_missing(self.column), pairs.exact(self.column)
        if self.disagreement_column is not None:
            missing |= ~exact & pairs.either_missing(self.disagreement_column)
        distance = pairs.similarity(
            self.column, Levenshtein.distance, where=~(missing | exact), score_cutoff=1
        )
        return assign_levels([exact, distance == 1], missing)


class PrefixComparison(Comparison):
    """Hierarchical codes (region: province.regency.district): exact, then shared prefixes."""

    def __init__(self, name: str, column: str, prefixes: tuple[int, ...] = (4, 2)) -> None:
        self.name = name
        self.column = column
        self.prefixes = prefixes
        self.levels = ("exact", *(f"prefix_{p}" for p in prefixes), "different")
        self.tf_column = None

    def compare(self, pairs: PairFrame) -> np.ndarray:
        conditions = [pairs.exact(self.column)]
        for length in self.prefixes:
            prefix = partial(_prefix, length=length)
            conditions.append(pairs.same_derived(self.column, f"prefix {length}", prefix))
        return assign_levels(conditions, pairs.either_missing(self.column))


def _prefix(code: str, length: int) -> str:
    """The first ``length`` digits of a dotted code (32.12.05 → 3212 for 4)."""
    return code.replace(".", "")[:length]
