"""CSV reading: pyarrow's parser with every column as text, ragged rows rejected with their position.

pyarrow does the splitting (fast, handles quotes and newlines inside quotes). Its invalid-row hook
gives each ragged row's record number, counted from the top of the file, which is how the accepted
rows get their numbers too: they are the remaining numbers, in order.

The file is decoded by Python (any ASCII-compatible encoding) and handed to pyarrow as UTF-8. Bytes
not valid in the declared encoding are replaced by a marker (a Unicode noncharacter plus the byte's
hex), so the rows holding one are rejected whole while every other row is read normally.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..manifest import SourceSpec
from .errors import EmptyHeaderError
from .raw_table import ENCODING_ERROR, RAGGED_ROW, RawTable, Rejection, unique_header

_MARK: Final = "\ufdd0"  # a noncharacter: never in real text, so it can only be a replaced byte
_MARK_ERRORS: Final = "linkage-ingest-mark"


def _mark_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(f"{_MARK}{byte:02x}" for byte in bad), error.end


codecs.register_error(_MARK_ERRORS, _mark_bad_bytes)


def read_csv(path: Path, spec: SourceSpec) -> RawTable:
    data = path.read_bytes()
    encoding = _python_encoding(spec.encoding)
    damaged = False
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        damaged = True
        text = data.decode(encoding, errors=_MARK_ERRORS)
    header = next(
        itertools.islice(_split_rows(io.StringIO(text, newline=""), spec), spec.header_row - 1, None), None
    )
    if header is None:
        return RawTable.empty()
    if not any(name.strip() for name in header):
        raise EmptyHeaderError(path, spec.name, spec.header_row)
    # pyarrow reads UTF-8; a file that already is (the common case) is handed over as it is.
    utf8 = data if encoding == "utf-8-sig" and not damaged else text.encode("utf-8")
    table = _parse(utf8, spec, unique_header(header))
    if damaged:
        table = _reject_marked_rows(table, spec)
    return table.without_blank_rows()


def _python_encoding(encoding: str) -> str:
    # "utf-8-sig" drops a byte-order mark; a steward writes "utf-8" and should not need to know.
    return "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding


def _split_rows(lines: Iterable[str], spec: SourceSpec) -> Iterator[list[str]]:
    """Python's csv module with the source's dialect, for the header and for rejected rows' fields."""
    return csv.reader(
        lines,
        delimiter=spec.delimiter,
        quotechar=spec.quotechar or None,
        quoting=csv.QUOTE_MINIMAL if spec.quotechar else csv.QUOTE_NONE,
        escapechar=spec.escapechar or None,
    )


def _parse(data: bytes, spec: SourceSpec, names: list[str]) -> RawTable:
    rejections: list[Rejection] = []

    def reject(row: pacsv.InvalidRow) -> str:
        fields = next(_split_rows([_unmark(row.text)], spec), [])
        rejections.append(
            Rejection(
                row_number=int(row.number),
                reason=RAGGED_ROW,
                detail=f"expected {row.expected_columns} fields, found {row.actual_columns}",
                raw=json.dumps(fields, ensure_ascii=False),
            )
        )
        return "skip"

    columns = [f"c{i}" for i in range(len(names))]
    table = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(
            skip_rows=spec.header_row,
            column_names=columns,
            # Row numbers of rejected rows are only known when parsing on one thread.
            use_threads=False,
            block_size=1 << 24,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=spec.delimiter,
            quote_char=spec.quotechar or False,
            escape_char=spec.escapechar or False,
            newlines_in_values=bool(spec.quotechar),
            ignore_empty_lines=False,
            invalid_row_handler=reject,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(columns, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    cells = table.rename_columns(names).to_pandas()
    first = spec.header_row + 1
    numbers = np.arange(first, first + table.num_rows + len(rejections), dtype=np.int64)
    if rejections:
        numbers = np.setdiff1d(numbers, [r.row_number for r in rejections], assume_unique=True)
    return RawTable(header=names, cells=cells, row_numbers=numbers, rejections=rejections)


def _unmark(text: str) -> str:
    """Show replaced bytes the way Python writes them (``\\xe9``)."""
    return text.replace(_MARK, "\\x") if _MARK in text else text


def _reject_marked_rows(table: RawTable, spec: SourceSpec) -> RawTable:
    """Reject rows holding a byte the declared encoding could not decode."""
    bad = np.zeros(len(table.cells), dtype=bool)
    for column in table.cells.columns:
        bad |= table.cells[column].str.contains(_MARK, regex=False).to_numpy()
    detail = f"not valid {spec.encoding}; if the file uses another encoding (e.g. cp1252), set it"
    rejections = list(table.rejections)
    for position in np.flatnonzero(bad):
        row = {name: _unmark(value) for name, value in table.cells.iloc[position].items()}
        raw = json.dumps(row, ensure_ascii=False)
        rejections.append(Rejection(int(table.row_numbers[position]), ENCODING_ERROR, detail, raw))
    keep = ~bad
    return RawTable(
        header=table.header,
        cells=pd.DataFrame(table.cells[keep]).reset_index(drop=True),
        row_numbers=table.row_numbers[keep],
        rejections=rejections,
    )
