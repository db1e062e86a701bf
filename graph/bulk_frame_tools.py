"""Column-wise helpers for ``graph.bulk_frames``: reading a linked folder into arrow-backed frames, and
the few per-group decisions of ``graph.extract`` (most frequent value, a key per distinct value)
expressed over whole columns.

Each helper keeps the exact rule of its row-wise original in ``graph.extract``; the bulk equivalence
tests compare both paths' output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from linkage.linked import (
    DECISION_COLUMNS,
    DECISIONS_FILE,
    PERSON_COLUMNS,
    PERSONS_FILE,
    RECORDS_COLUMNS,
    RECORDS_FILE,
)

from .extract import to_date
from .linked_input import (
    REGION_COLUMNS,
    REGIONS_FILE,
    LinkedInputError,
    LinkedOutput,
    _check_consistency,
    _read_csv,
    _require_columns,
)

TEXT = pd.ArrowDtype(pa.string())


def read_linked_columns(linked_dir: Path, regions_file: Path = REGIONS_FILE) -> LinkedOutput:
    """``graph.linked_input.read_linked`` with arrow-backed columns: the same checks and run id, read
    about five times faster and held in a fraction of the memory (no Python object per cell)."""
    if not linked_dir.is_dir():
        raise LinkedInputError(f"{linked_dir}: not a folder")
    records_path, persons_path = linked_dir / RECORDS_FILE, linked_dir / PERSONS_FILE
    records = _read_parquet(records_path, RECORDS_COLUMNS)
    persons = _read_parquet(persons_path, PERSON_COLUMNS)
    decisions_path = linked_dir / DECISIONS_FILE
    inputs = [records_path, persons_path, regions_file]
    if decisions_path.is_file():
        decisions = _read_csv(decisions_path, DECISION_COLUMNS)
        inputs.append(decisions_path)
    else:
        decisions = pd.DataFrame({c: pd.Series(dtype=str) for c in DECISION_COLUMNS})
    regions = _read_csv(regions_file, REGION_COLUMNS)
    _check(records, persons, records_path)
    return LinkedOutput(records, persons, decisions, regions, run_id=_streamed_hash(inputs))


def _check(records: pd.DataFrame, persons: pd.DataFrame, records_path: Path) -> None:
    """``linked_input._check_consistency``, answered by arrow's hash kernels when the folder is sound;
    only a folder that fails goes through the shared check, for its exact message."""
    keys, people = pa.array(records["record_key"]), pa.array(records["person_id"])
    sound = (
        pc.count_distinct(keys).as_py() == len(keys)
        and not pc.any(pc.or_kleene(pc.is_null(people), pc.equal(people, ""))).as_py()
        and pc.all(pc.is_in(people, value_set=pa.array(persons["person_id"]))).as_py() in (True, None)
    )
    if not sound:
        plain = records[["record_key", "person_id"]].astype(object)
        _check_consistency(plain, persons[["person_id"]].astype(object), records_path)


def _streamed_hash(paths: list[Path]) -> str:
    """``linked_input._file_hash`` (the run id), reading each file in 16 MiB pieces, not at once."""
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode())
        with path.open("rb") as stream:
            while piece := stream.read(1 << 24):
                sha.update(piece)
    return sha.hexdigest()[:20]


def _read_parquet(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise LinkedInputError(f"{path}: file not found (expected in a folder written by `ltsa link`)")
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise LinkedInputError(f"{path}: not a readable Parquet file: {exc}") from exc
    _require_columns(pd.DataFrame(columns=table.column_names), required, path)
    return table.to_pandas(types_mapper=pd.ArrowDtype)  # the arrow buffers, not a copy


def text(column: pd.Series) -> pd.Series:
    """``graph.extract._clean`` for one column: a string for every cell, "" for missing."""
    if column.dtype != TEXT:
        return column.astype(object).where(column.notna(), "").astype(str).astype(TEXT)
    return column.fillna("") if column.hasnans else column  # no copy of a clean column


def clean(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: text(frame[c]) for c in columns})


def per_distinct(func: Callable[..., Any], *columns: pd.Series, dtype: Any = TEXT) -> pd.Series:
    """``func`` applied once per distinct combination of values (keys are derived from names and phones
    that repeat across hundreds of thousands of records), spread back over the rows."""
    codes = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:  # one factorisation per column, combined: no groupby machinery
        column_codes, uniques = pd.factorize(column, use_na_sentinel=False)
        codes = codes * len(uniques) + column_codes
    _distinct, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    values_of = [pa.array(c).take(pa.array(first)).to_pylist() for c in columns]  # not Series.tolist
    results = [func(*values) for values in zip(*values_of, strict=True)]
    arrow_type = dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else None
    values = pa.array(results, arrow_type).take(pa.array(inverse.reshape(-1)))
    return pd.Series(pd.arrays.ArrowExtensionArray(values), index=columns[0].index)


def dates(column: pd.Series) -> pd.Series:
    """``to_date`` per value: a date, or null for "" and for text that is no ISO date."""
    return per_distinct(to_date, column, dtype=pd.ArrowDtype(pa.date32()))


def mode_of(keys: pd.Series, values: pd.Series, index: pd.Index) -> pd.Series:
    """``extract._mode`` for every key of ``index``: the most frequent non-empty value, ties to the
    smallest, "" for a key without any value. Counted and ranked by arrow's hash aggregates."""
    said = pa.table({"key": pa.array(keys), "value": pa.array(values)})
    said = said.filter(pc.not_equal(said["value"], ""))
    counts = said.group_by(["key", "value"]).aggregate([([], "count_all")])
    ranked = counts.sort_by([("count_all", "descending"), ("value", "ascending")])
    best = ranked.group_by("key", use_threads=False).aggregate([("value", "first")])  # in ranked order
    where = pc.index_in(pa.array(index), value_set=best["key"])
    chosen = pc.fill_null(pc.take(best["value_first"], where), "")
    return pd.Series(pd.arrays.ArrowExtensionArray(chosen), index=index)


def or_none(column: pd.Series) -> pd.Series:
    return column.mask(column == "")


def extreme(frame: pd.DataFrame, keys: list[str], column: str, how: str) -> pd.Series:
    """The ``min`` or ``max`` of ``column`` per ``keys`` (arrow's hash aggregate: pandas falls back to
    Python per group on arrow strings), indexed by the keys."""
    table = pa.Table.from_pandas(frame[[*keys, column]], preserve_index=False)
    result = table.group_by(keys).aggregate([(column, how)]).to_pandas(types_mapper=pd.ArrowDtype)
    return result.set_index(keys)[f"{column}_{how}"].rename(column)
