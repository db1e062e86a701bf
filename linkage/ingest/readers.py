"""Choosing the reader for a source's format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from ..manifest import SourceSpec
from .csv_reader import read_csv
from .jsonl_reader import read_jsonl
from .raw_table import RawTable
from .xlsx_reader import read_xlsx

READERS: Final[dict[str, Callable[[Path, SourceSpec], RawTable]]] = {
    "csv": read_csv,
    "jsonl": read_jsonl,
    "xlsx": read_xlsx,
}


def read_file(path: Path, spec: SourceSpec) -> RawTable:
    return READERS[spec.format](path, spec)
