"""What a format reader hands to mapping: the cells of one file, as text, with their row numbers.

Readers never interpret values (no numbers, no dates): every cell is the text the file holds, so an
ID such as a NIK can never lose digits on the way in. Rows a reader cannot split into the header's
columns are returned as rejections, to be quarantined, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

# Quarantine reasons a reader can give.
RAGGED_ROW = "ragged_row"
ENCODING_ERROR = "encoding_error"
INVALID_JSON = "invalid_json"


@dataclass(frozen=True)
class Rejection:
    """A row that could not be read into columns. ``raw`` is JSON: the row as far as it could be read."""

    row_number: int
    reason: str
    detail: str
    raw: str


@dataclass
class RawTable:
    """The readable rows of one file.

    ``row_numbers`` are where each row sits in the file: for CSV and xlsx the row a spreadsheet shows
    (the header row counts), for JSON Lines the line number. ``numeric_cells`` (xlsx only) marks cells
    the workbook stored as numbers, which matters for IDs Excel may have rounded.
    """

    header: list[str]
    cells: pd.DataFrame  # columns = header, all str ("" = empty)
    row_numbers: npt.NDArray[np.int64]
    rejections: list[Rejection] = field(default_factory=list)
    blank_rows: int = 0  # rows with no value at all; not records, so neither accepted nor quarantined
    numeric_cells: pd.DataFrame | None = None  # same shape as cells, bool

    @classmethod
    def empty(cls, header: list[str] | None = None) -> RawTable:
        header = header or []
        return cls(
            header=header,
            cells=pd.DataFrame({name: pd.Series([], dtype=object) for name in header}),
            row_numbers=np.empty(0, dtype=np.int64),
        )

    def column(self, name: str) -> pd.Series:
        """A column's cells; a cell the row's file lacks (a key a JSON line does not have) is empty.

        A needed column is missing outright only when no file has a header (all empty): the column
        check saw to that, so the empty column here has no rows anyway.
        """
        if name not in self.cells:
            return pd.Series("", index=self.cells.index, dtype=object)
        return self.cells[name].fillna("")

    def without_blank_rows(self) -> RawTable:
        """Drop rows where every cell is empty (trailing Excel rows, blank lines) and count them."""
        if self.cells.empty or not len(self.cells.columns):
            return self
        blank = (self.cells == "").all(axis=1).to_numpy()
        if not blank.any():
            return self
        keep = ~blank
        return RawTable(
            header=self.header,
            cells=self.cells[keep].reset_index(drop=True),
            row_numbers=self.row_numbers[keep],
            rejections=self.rejections,
            blank_rows=self.blank_rows + int(blank.sum()),
            numeric_cells=None
            if self.numeric_cells is None
            else self.numeric_cells[keep].reset_index(drop=True),
        )


def unique_header(names: list[str]) -> list[str]:
    """Header names stripped of spaces (and a BOM), with repeats numbered so every column is addressable.

    A repeated name keeps its first occurrence as is and becomes ``NAME~2``, ``NAME~3`` after that.
    """
    seen: dict[str, int] = {}
    result = []
    for position, raw in enumerate(names):
        name = raw.replace("\ufeff", "").strip() or f"column_{position + 1}"
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}~{seen[name]}")
    return result


def stack_tables(tables: list[RawTable]) -> RawTable:
    """The rows of several files of one source as one table, in file order, for one mapping pass.

    Columns are the union of the headers; a file without a column has no cell there (NaN, which
    mapping reads as empty). Rejections and blank-row counts stay with each file's own table.
    """
    with_rows = [t for t in tables if len(t.cells)]
    header = list(dict.fromkeys(name for t in tables for name in t.header))
    if not with_rows:
        return RawTable.empty(header)
    numeric = None
    if any(t.numeric_cells is not None for t in with_rows):
        numeric = pd.concat(
            [
                t.numeric_cells
                if t.numeric_cells is not None
                else pd.DataFrame(False, index=t.cells.index, columns=t.header)
                for t in with_rows
            ],
            ignore_index=True,
        ).reindex(columns=header, fill_value=False)
        numeric = numeric.fillna(False).astype(bool)
    return RawTable(
        header=header,
        cells=pd.concat([t.cells for t in with_rows], ignore_index=True).reindex(columns=header),
        row_numbers=np.concatenate([t.row_numbers for t in with_rows]),
        numeric_cells=numeric,
    )
