"""Quarantine: rows kept out of the canonical table, each with where it came from and why.

A row is quarantined only when it cannot be read into columns, or carries nothing a person can be
identified by (no full_name, nik or passport_number). A bad value is never a reason.
"""

from __future__ import annotations

import json
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from .raw_table import RawTable, Rejection

NO_IDENTITY = "no_identity"
IDENTITY_FIELDS: Final = ("full_name", "nik", "passport_number")
QUARANTINE_COLUMNS: Final = ("source", "file", "row_number", "reason", "detail", "raw_row")


def unidentified(cleaned: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows with none of the identity fields filled."""
    present = [cleaned[f] for f in IDENTITY_FIELDS if f in cleaned]
    if not present:
        return np.ones(len(cleaned), dtype=bool)
    has_identity = np.zeros(len(cleaned), dtype=bool)
    for values in present:
        has_identity |= (values.str.strip() != "").to_numpy()
    return ~has_identity


def unidentified_frame(
    source: str,
    files: npt.NDArray[np.object_],
    table: RawTable,
    mask: npt.NDArray[np.bool_],
    fields: list[str],
) -> pd.DataFrame:
    """Quarantine rows for the rows of ``table`` (one source, ``files`` per row) that ``mask`` marks."""
    detail = f"none of {', '.join(IDENTITY_FIELDS)} has a value (mapped fields: {', '.join(fields)})"
    rows = table.cells[mask]
    raw = [
        # A column another file of the source has but this row's file lacks is NaN: leave it out.
        json.dumps(
            {k: v for k, v in zip(rows.columns, row, strict=True) if isinstance(v, str)}, ensure_ascii=False
        )
        for row in rows.itertuples(index=False, name=None)
    ]
    return pd.DataFrame(
        {
            "source": source,
            "file": files[mask],
            "row_number": table.row_numbers[mask],
            "reason": NO_IDENTITY,
            "detail": detail,
            "raw_row": raw,
        },
        columns=list(QUARANTINE_COLUMNS),
    )


def quarantine_frame(source: str, file: str, rejections: list[Rejection]) -> pd.DataFrame:
    ordered = sorted(rejections, key=lambda r: r.row_number)
    return pd.DataFrame(
        {
            "source": source,
            "file": file,
            "row_number": pd.Series([r.row_number for r in ordered], dtype="int64"),
            "reason": [r.reason for r in ordered],
            "detail": [r.detail for r in ordered],
            "raw_row": [r.raw for r in ordered],
        },
        columns=list(QUARANTINE_COLUMNS),
    )
