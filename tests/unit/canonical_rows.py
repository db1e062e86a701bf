"""Hand-built canonical rows for the clustering, golden-record and linking tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

from linkage.canonical import COLUMNS
from linkage.standardise.record import standardise_frame


def canonical_rows(*rows: dict[str, Any]) -> pd.DataFrame:
    """A canonical table: every column present ("" unless given); record_key defaults to source:record_id."""
    filled = []
    for number, row in enumerate(rows, start=1):
        full: dict[str, Any] = dict.fromkeys(COLUMNS, "")
        full["row_number"] = number
        full.update(row)
        full["source"] = full["source"] or "disnaker_indramayu"
        full["record_id"] = full["record_id"] or str(number)
        full["record_key"] = full["record_key"] or f"{full['source']}:{full['record_id']}"
        filled.append(full)
    return pd.DataFrame(filled, columns=list(COLUMNS))


def standardised_rows(*rows: dict[str, Any]) -> pd.DataFrame:
    """Canonical rows from *raw* person and context fields, standardised as ingest does.

    Provenance keys (source, record_id, record_key) are taken from the row; every other key is a raw
    field value that goes through linkage.standardise.
    """
    provenance = ("source", "record_id", "record_key")
    raw = pd.DataFrame([{k: v for k, v in row.items() if k not in provenance} for row in rows]).fillna("")
    standard = standardise_frame(raw.astype(str))
    table = canonical_rows(*({k: v for k, v in row.items() if k in provenance} for row in rows))
    for name in standard.columns:
        table[name] = standard[name].to_numpy()
    for name in raw.columns:
        if f"raw_{name}" in table.columns:
            table[f"raw_{name}"] = raw[name].to_numpy()
    return table
