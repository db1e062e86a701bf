"""Column-wise helpers for ``graph.bulk_frames``: reading a linked folder into arrow-backed frames, and
the few per-group decisions of ``graph.extract`` (most frequent value, a key per distinct value)
expressed over whole columns.

Each helper keeps the exact rule of its row-wise original in ``graph.extract``; the bulk equivalence
tests compare both paths' output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .extract import to_date
from .linked_input import REGIONS_FILE, LinkedOutput, read_linked

TEXT = pd.ArrowDtype(pa.string())


def read_linked_columns(linked_dir: Path, regions_file: Path = REGIONS_FILE) -> LinkedOutput:
    """``graph.linked_input.read_linked`` with arrow-backed columns (same checks, same run id)."""
    return read_linked(linked_dir, regions_file, arrow_columns=True)


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


def member_lists(table: pa.Table, keys: list[str], member: str, max_members: int = 62) -> pa.Table:
    """One row per distinct ``keys``, with ``<member>_list``: the distinct ``member`` values that
    combination has, sorted. Members are few (the sources that said a phone): each is given a bit, and
    a group's sum of distinct bits names its set, where sorting millions of string rows would cost
    seconds at a million people. Past ``max_members`` distinct values (an int64 holds 62 bits
    safely), it sorts."""
    names = pc.unique(table[member]).sort()
    if len(names) > max_members:
        distinct = table.group_by([*keys, member], use_threads=False).aggregate([])
        ordered = distinct.sort_by([(c, "ascending") for c in (*keys, member)])
        return ordered.group_by(keys, use_threads=False).aggregate([(member, "list")])
    position = pc.index_in(table[member], value_set=names).cast(pa.int64())
    bits = pa.table({**{k: table[k] for k in keys}, "bit": pc.shift_left(1, position)})
    distinct = bits.group_by([*keys, "bit"], use_threads=False).aggregate([])
    sets = distinct.group_by(keys, use_threads=False).aggregate([("bit", "sum")])
    masks, code = np.unique(sets["bit_sum"].to_numpy(), return_inverse=True)
    members = names.to_pylist()
    lists = pa.array(
        [[n for i, n in enumerate(members) if mask >> i & 1] for mask in masks.tolist()],
        pa.list_(pa.string()),
    )
    return sets.drop_columns(["bit_sum"]).append_column(
        f"{member}_list", lists.take(pa.array(code.reshape(-1)))
    )
