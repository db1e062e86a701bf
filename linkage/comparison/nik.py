"""NIK comparison, aware of how NIKs go wrong.

A NIK is ``PP KK CC DDMMYY SSSS`` with 40 added to the day for women and no check digit, so the common
transcription errors are two swapped digits, one wrong digit (OCR 1/7, 0/8, a missed +40) and a dropped
or doubled digit. But two NIKs differing only in the serial (digits 13–16) are also what twins get:
same region, same birth date, consecutive serials — and twins also share mother, family card and birth
place, so every other comparison agrees too. A difference confined to the serial is therefore split by
whether the names agree phonetically (a typo in one person's serial) or not (likely a twin), and EM
weighs the two apart. Levels, strongest first: exact; one adjacent transposition; one edit
(substitution, insertion or deletion) outside the serial; serial only, same name; serial only; same
birth-date-and-sex segment (digits 7–12 — a re-issued NIK or a prefix error); different.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import OSA, Levenshtein

from .base import Comparison, assign_levels
from .kernels import PairFrame

PREFIX = slice(0, 12)  # region and DDMMYY: everything but the serial
BIRTH_SEGMENT = slice(6, 12)  # DDMMYY (+40 on DD for women)
NIK_LENGTH = 16


class NikComparison(Comparison):
    levels = (
        "exact",
        "transposition",
        "one_edit",
        "serial_only_same_name",
        "serial_only",
        "same_birth_segment",
        "different",
    )

    def __init__(
        self,
        name: str = "nik",
        column: str = "nik_trusted",
        name_column: str = "informative_keys_sorted",
        tf: bool = False,
    ) -> None:
        self.name = name
        self.column = column
        self.name_column = name_column
        # A NIK shared by many records is a placeholder or a fraud signal, not evidence; TF catches both.
        self.tf_column = column if tf else None

    def compare(self, pairs: PairFrame) -> np.ndarray:
        unsettled = ~(pairs.either_missing(self.column) | pairs.exact(self.column))
        levenshtein = pairs.similarity(self.column, Levenshtein.distance, where=unsettled, score_cutoff=2)
        osa = pairs.similarity(
            self.column, OSA.distance, where=unsettled & (levenshtein == 2), score_cutoff=1
        )
        transposition = (osa == 1) & (levenshtein == 2)
        same_prefix = self._same_segment(pairs, PREFIX)
        conditions = [
            pairs.exact(self.column),
            transposition & ~same_prefix,
            (levenshtein == 1) & ~same_prefix,
            same_prefix & pairs.exact(self.name_column),
            same_prefix,
            self._same_segment(pairs, BIRTH_SEGMENT),
        ]
        return assign_levels(conditions, pairs.either_missing(self.column))

    def _same_segment(self, pairs: PairFrame, segment: slice) -> np.ndarray:
        """Both NIKs 16 digits long with equal digits in ``segment``."""

        def part(nik: str) -> str:
            return nik[segment] if len(nik) == NIK_LENGTH else ""

        return pairs.same_derived(self.column, f"segment {segment.start}:{segment.stop}", part)
