"""JSON Lines reading: one object per line; numbers are kept as the text the file holds.

A NIK written as a bare number must not pass through a float: integers are Python ints (exact) and
floats are kept as their literal text. Lines that are not JSON objects are rejected, not dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..manifest import SourceSpec
from .raw_table import ENCODING_ERROR, INVALID_JSON, RawTable, Rejection, unique_header


def read_jsonl(path: Path, spec: SourceSpec) -> RawTable:
    records: list[dict[str, str]] = []
    numbers: list[int] = []
    rejections: list[Rejection] = []
    blank = 0
    with path.open("rb") as handle:
        for number, line_bytes in enumerate(handle, start=1):
            try:
                line = line_bytes.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                text = line_bytes.decode("utf-8", errors="backslashreplace").rstrip("\r\n")
                rejections.append(Rejection(number, ENCODING_ERROR, "not valid utf-8", json.dumps(text)))
                continue
            if not line.strip():
                blank += 1
                continue
            try:
                value = json.loads(line, parse_float=str)
            except json.JSONDecodeError as error:
                rejections.append(
                    Rejection(number, INVALID_JSON, str(error), json.dumps(line.rstrip("\r\n")))
                )
                continue
            if not isinstance(value, dict):
                detail = f"expected a JSON object, found {type(value).__name__}"
                rejections.append(Rejection(number, INVALID_JSON, detail, json.dumps(line.rstrip("\r\n"))))
                continue
            records.append({str(key): _as_text(cell) for key, cell in value.items()})
            numbers.append(number)
    # Keys may differ between lines; the header is every key in order of first appearance.
    keys = list(dict.fromkeys(key for record in records for key in record))
    names = unique_header(keys)
    cells = pd.DataFrame.from_records(records, columns=keys).fillna("") if records else None
    if cells is None:
        table = RawTable.empty(names)
    else:
        cells.columns = pd.Index(names)
        table = RawTable(header=names, cells=cells, row_numbers=np.asarray(numbers, dtype=np.int64))
    table.rejections = rejections
    table.blank_rows = blank
    return table.without_blank_rows()


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)  # nested lists/objects stay readable JSON
