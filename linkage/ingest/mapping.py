"""From a file's columns to canonical fields: column map, split columns, constants, value maps.

Two frames come out. ``raw`` is what the silo said, per canonical field (the ``raw_<field>``
columns). ``cleaned`` is what standardisation receives: the same with value maps applied. Mapping
never judges a value; it only flags what it noticed on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..manifest import SourceSpec
from .excel_ids import (
    ID_FIELDS,
    rounded_number_flags,
)
from .flags import join_flags
from .raw_table import RawTable

SPLIT_INCOMPLETE = "split_incomplete"


@dataclass(frozen=True)
class MappedRows:
    raw: pd.DataFrame  # canonical field -> text as the file had it (trimmed)
    cleaned: pd.DataFrame  # canonical field -> text handed to standardisation
    flags: pd.Series  # '|'-joined flags noticed while mapping


def map_rows(spec: SourceSpec, table: RawTable) -> MappedRows:
    index = table.cells.index
    raw = pd.DataFrame(index=index)
    flag_parts: list[pd.Series] = []
    for column, field in spec.columns.items():
        raw[field] = table.column(column).str.strip()
    for split in spec.split:
        whole = table.column(split.column).str.strip()
        # The last field takes the text after the last separator: a place name may hold a comma,
        # a date never does.
        pieces = whole.str.rsplit(split.separator, n=len(split.fields) - 1, expand=True)
        pieces = pieces.reindex(columns=range(len(split.fields))).fillna("")
        for position, field in enumerate(split.fields):
            raw[field] = pieces[position].astype(str).str.strip() if len(index) else whole
        incomplete = (whole != "") & (whole.str.count(re.escape(split.separator)) < len(split.fields) - 1)
        flag_parts.append(incomplete.map({True: SPLIT_INCOMPLETE, False: ""}))
    for field, value in spec.constants.items():
        raw[field] = value

    cleaned = raw.copy()
    for field, value_map in spec.values.items():
        if field in cleaned:
            mapped = cleaned[field].str.casefold().map(value_map)
            cleaned[field] = mapped.fillna(cleaned[field])
    if table.numeric_cells is not None:
        for column, field in spec.columns.items():
            if field in ID_FIELDS and column in table.numeric_cells:
                flag_parts.append(rounded_number_flags(field, raw[field], table.numeric_cells[column]))
    return MappedRows(raw=raw, cleaned=cleaned, flags=join_flags(index, flag_parts))
