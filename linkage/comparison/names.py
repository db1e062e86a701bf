"""Name comparisons: token-aware person names, and plain fuzzy strings (mother's name, places).

Person names in the silos differ by spelling era (DJOKO/JOKO), order (SANTOSO BUDI), dropped middle
names, aliases (alias_names) and abbreviation, so the levels test, strongest first: exact; same phonetic
keys of the informative tokens in any order (NUR AINI ~ AINI: NUR, SITI, MUHAMMAD… carry little); an
alias equal to the other name; high similarity; one name's informative tokens a subset of the other's
(a dropped middle name, similarity ≥ 0.7; or a one-token calling name at any similarity); moderate
similarity; different. Similarity is Jaro–Winkler of the informative tokens, or of the same tokens
sorted when higher (an order swap plus a typo), computed once per distinct name pair.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import JaroWinkler

from .base import Comparison, assign_levels
from .kernels import MISSING, PairFrame


def name_similarity(
    pairs: PairFrame, column: str, sorted_column: str | None, where: np.ndarray, enough: float, floor: float
) -> np.ndarray:
    """Jaro–Winkler of the two names for pairs in ``where`` (NaN elsewhere), or of their token-sorted
    forms when higher (order swaps with a typo); similarities under ``floor`` read 0.

    The sorted form is a column computed once per distinct name, so both scores are plain C++ JW; it
    runs only where the first is below ``enough``.
    """
    jaro = pairs.similarity(column, JaroWinkler.normalized_similarity, where=where, score_cutoff=floor)
    if sorted_column is None:
        return jaro
    unsettled = where & ~(jaro >= enough)
    swapped = pairs.similarity(
        sorted_column, JaroWinkler.normalized_similarity, where=unsettled, score_cutoff=floor
    )
    return np.fmax(jaro, swapped)


SUBSET_MIN_SIMILARITY = 0.7  # a dropped middle name leaves the names at least this similar


class NameComparison(Comparison):
    """Token-aware comparison of a person's full name (term-frequency adjusted on exact agreement)."""

    levels = ("exact", "phonetic", "alias", "close", "subset", "similar", "different")

    def __init__(
        self,
        name: str = "name",
        column: str = "name_text",
        informative_column: str = "name_informative",
        sorted_column: str = "name_informative_sorted",
        keys_column: str = "name_informative_keys",
        sorted_keys_column: str = "informative_keys_sorted",
        alias_column: str = "alias_names",
        names_and_aliases_column: str = "names_and_aliases",
        close: float = 0.92,
        similar: float = 0.80,
        tf: bool = True,
    ) -> None:
        self.name = name
        self.column = column
        self.informative_column = informative_column
        self.sorted_column = sorted_column
        self.keys_column = keys_column
        self.sorted_keys_column = sorted_keys_column
        self.alias_column = alias_column
        self.names_and_aliases_column = names_and_aliases_column
        self.close = close
        self.similar = similar
        self.tf_column = column if tf else None

    def compare(self, pairs: PairFrame) -> np.ndarray:
        missing = pairs.either_missing(self.column)
        exact = pairs.exact(self.column)
        phonetic = pairs.exact(self.sorted_keys_column)
        alias = self._alias_match(pairs)
        # Similarities only for pairs the cheap levels left open (most candidate pairs are exact).
        unsettled = ~(missing | exact | phonetic | alias)
        # Similarity ignores low-information tokens: SITI AMINAH and SITI RAHAYU share only SITI.
        floor = min(self.similar, SUBSET_MIN_SIMILARITY)
        similarity = name_similarity(
            pairs, self.informative_column, self.sorted_column, unsettled, self.close, floor
        )
        # Every informative key of one name in the other (a dropped middle name); sharing only SITI or
        # MUHAMMAD does not count. Names that far apart in spelling are not tested (nearly all random
        # pairs, so u estimation stays cheap) — except a one-key name: a calling name taken from the
        # middle of the full one (SUYATI ~ PUJI SUYATI LESTARI) is far in spelling yet contained.
        one_key = pairs.token_counts(self.keys_column, " ") == 1
        spelt_close = (similarity >= SUBSET_MIN_SIMILARITY) | one_key[pairs.left] | one_key[pairs.right]
        subset_open = unsettled & (similarity < self.close) & spelt_close
        subset = self._subset(pairs, subset_open)
        conditions = [exact, phonetic, alias, similarity >= self.close, subset, similarity >= self.similar]
        return assign_levels(conditions, missing)

    def _alias_match(self, pairs: PairFrame) -> np.ndarray:
        """An alias of one record equals the other record's name or one of its aliases."""
        if self.alias_column not in pairs.records:
            return np.zeros(len(pairs), dtype=bool)
        alias_codes, _ = pairs.factorised(self.alias_column)
        has_alias = alias_codes != MISSING
        either = has_alias[pairs.left] | has_alias[pairs.right]
        shared, _, _, _ = pairs.token_overlap(self.names_and_aliases_column, "|", either)
        return shared > 0

    def _subset(self, pairs: PairFrame, where: np.ndarray) -> np.ndarray:
        """Every informative key of one name is among the other's (both names non-empty)."""
        left_found, left_total, right_found, right_total = pairs.token_overlap(self.keys_column, " ", where)
        left_in = (left_found == left_total) & (left_total > 0)
        right_in = (right_found == right_total) & (right_total > 0)
        return where & (left_total > 0) & (right_total > 0) & (left_in | right_in)


class StringComparison(Comparison):
    """A short free-text field (mother's or father's name, birth place, address) at JW thresholds."""

    def __init__(
        self, name: str, column: str, thresholds: tuple[float, ...] = (0.92, 0.80), tf: bool = False
    ) -> None:
        self.name = name
        self.column = column
        self.thresholds = thresholds
        self.levels = ("exact", *(f"similarity>={t:g}" for t in thresholds), "different")
        self.tf_column = column if tf else None

    def compare(self, pairs: PairFrame) -> np.ndarray:
        missing = pairs.either_missing(self.column)
        exact = pairs.exact(self.column)
        highest, lowest = max(self.thresholds, default=1.0), min(self.thresholds, default=1.0)
        similarity = name_similarity(pairs, self.column, None, ~(missing | exact), highest, lowest)
        conditions = [exact, *(similarity >= t for t in self.thresholds)]
        return assign_levels(conditions, missing)
