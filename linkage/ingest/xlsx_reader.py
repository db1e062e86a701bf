"""Excel (.xlsx) reading with openpyxl: every cell turned into the text a person sees, IDs intact.

Cells come back typed (int, float, datetime). Integers and whole floats below 2**53 are written
without a decimal point or exponent, so a NIK stored as a number keeps every digit the workbook
still has; ``numeric_cells`` records which cells were numbers so mapping can flag IDs that Excel
may already have rounded to 15 significant digits.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from ..manifest import SourceSpec
from .errors import EmptyHeaderError, SourceFileError
from .raw_table import RAGGED_ROW, RawTable, Rejection, unique_header

_EXACT_FLOAT_LIMIT = 2**53  # whole floats above this may not be the integer that was typed


class SheetNotFoundError(SourceFileError):
    pass


class NotAWorkbookError(SourceFileError):
    pass


def read_xlsx(path: Path, spec: SourceSpec) -> RawTable:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as error:
        raise NotAWorkbookError(
            f"{path}: not a readable .xlsx workbook (source '{spec.name}'): {error}; "
            "an old .xls or a CSV must be re-saved as .xlsx or declared with its own format"
        ) from None
    try:
        if spec.sheet and spec.sheet not in workbook.sheetnames:
            raise SheetNotFoundError(
                f"{path}: sheet '{spec.sheet}' not found (source '{spec.name}'); "
                f"sheets: {', '.join(workbook.sheetnames)}"
            )
        sheet = workbook[spec.sheet] if spec.sheet else workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=spec.header_row, values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            return RawTable.empty()
        # Trailing empty header cells are formatting, not columns.
        width = len(header_cells)
        while width and header_cells[width - 1] in (None, ""):
            width -= 1
        if not width:
            raise EmptyHeaderError(path, spec.name, spec.header_row)
        names = unique_header([_text(cell) for cell in header_cells[:width]])
        records: list[list[str]] = []
        numeric: list[list[bool]] = []
        numbers: list[int] = []
        rejections: list[Rejection] = []
        for number, row in enumerate(rows, start=spec.header_row + 1):
            texts = [_text(cell) for cell in row]
            extra = [t for t in texts[width:] if t]
            if extra:
                rejections.append(
                    Rejection(
                        number,
                        RAGGED_ROW,
                        f"expected {width} fields, found {width + len(extra)} filled cells",
                        json.dumps(texts, ensure_ascii=False),
                    )
                )
                continue
            texts = (texts + [""] * width)[:width]
            records.append(texts)
            numeric.append(
                [isinstance(cell, int | float) and not isinstance(cell, bool) for cell in row[:width]]
            )
            numbers.append(number)
    finally:
        workbook.close()
    if not records:
        table = RawTable.empty(names)
        table.rejections = rejections
        return table
    numeric = [(flags + [False] * width)[:width] for flags in numeric]
    return RawTable(
        header=names,
        cells=pd.DataFrame(records, columns=names, dtype=object),
        row_numbers=np.asarray(numbers, dtype=np.int64),
        rejections=rejections,
        numeric_cells=pd.DataFrame(numeric, columns=names, dtype=bool),
    ).without_blank_rows()


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < _EXACT_FLOAT_LIMIT:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell)
