"""Write a ``GraphImage`` as the typed CSV files ``neo4j-admin database import full`` reads.

One node file per label and one relationship file per (type, start label, end label), each with its
own header. The conventions that keep the imported graph identical to a MERGE load:

* **Nulls vs empty strings**: a missing property is an empty, unquoted field (the importer stores
  nothing); every value is quoted (pyarrow's ``all_valid`` style; the importer parses ``"3"`` in a
  long column as 3), so ``""`` stays an empty string (``--ignore-empty-strings`` must stay false, its
  default).
* **Types**: each column's type comes from the Python values (str → string, bool → boolean,
  int → long, float → double, date → date, aware datetime → datetime, naive → localdatetime, list →
  ``type[]``), the types the Neo4j driver would have sent as parameters. A column holding two types
  cannot be written and is refused.
* **Arrays** are joined with U+001F (unit separator), which no identifier or source name contains; an
  element that holds it, an empty element or an empty list cannot round-trip and is refused.
* **IDs**: each label is its own ID space (``:ID(Person)``) of row numbers (``--id-type=integer``),
  and the key is an ordinary string column (``personId:string``), the same property the MERGE loader
  writes. A relationship names its ends by those numbers. Integer IDs spare the importer hashing and
  sorting millions of string keys (on 1M persons its relationship stage went from 36 s to 23 s); an
  ``:ID`` column without a name is not stored.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Final

import numpy as np
import pyarrow as pa
from pyarrow import csv

from .bulk_image import NODE_KEYS, GraphImage

ARRAY_DELIMITER: Final = "\x1f"
ARRAY_DELIMITER_OPTION: Final = "U+001F"  # how neo4j-admin spells it on the command line
_PROPERTY_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NONE: Final[dict[str, Any]] = {}  # read only: the other properties of a relationship that has none


class BulkCsvError(ValueError):
    """The graph holds a value the importer's CSV cannot carry faithfully; nothing was imported."""


@dataclass
class ImportFiles:
    """The CSV files of one graph and what ``neo4j-admin database import full`` needs to read them."""

    folder: Path
    nodes: list[Path] = field(default_factory=list)
    relationships: list[Path] = field(default_factory=list)
    node_count: int = 0
    relationship_count: int = 0
    multiline: bool = False  # some string holds a line break: the importer must parse multi-line fields

    def importer_arguments(self, folder_as: PurePath | None = None) -> list[str]:
        """Options for ``neo4j-admin database import full``; ``folder_as`` is where the folder is
        mounted for the importer (e.g. ``/import`` in a container)."""
        base = folder_as or self.folder

        def where(path: Path) -> str:
            return str(base / path.relative_to(self.folder))

        return [
            f"--array-delimiter={ARRAY_DELIMITER_OPTION}",
            "--id-type=integer",  # the ID columns are row numbers (see the module docstring)
            "--bad-tolerance=0",  # stop at the first bad entry instead of silently skipping it
            f"--multiline-fields={str(self.multiline).lower()}",
            *(f"--nodes={where(p)}" for p in self.nodes),
            *(f"--relationships={where(p)}" for p in self.relationships),
        ]


# --- values -----------------------------------------------------------------------------------------


def _scalar_type(value: Any) -> str:
    # bool before int and datetime before date: each is a subclass of the other in Python.
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.datetime):
        return "localdatetime" if value.tzinfo is None else "datetime"
    if isinstance(value, dt.date):
        return "date"
    raise BulkCsvError(f"no importer type for a {type(value).__name__} value: {value!r}")


def value_type(value: Any) -> str:
    """The importer's header type of a property value."""
    if isinstance(value, list | tuple):
        if not value:
            raise BulkCsvError("an empty list cannot be told apart from a missing property in the CSV")
        types = {_scalar_type(v) for v in value}
        if len(types) != 1:
            raise BulkCsvError(f"a list mixes {sorted(types)}: Neo4j arrays hold one type")
        return f"{types.pop()}[]"
    return _scalar_type(value)


def _spelled(value: Any) -> str:
    """A temporal value or array element as the importer parses it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        raise BulkCsvError(f"{value!r} has no CSV spelling the importer reads")
    if isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _joined(values: list[Any] | tuple[Any, ...]) -> str:
    text = ARRAY_DELIMITER.join(_spelled(v) for v in values)
    # Each element must come back whole: none empty, none holding the delimiter.
    if "" in values or text.count(ARRAY_DELIMITER) != len(values) - 1:
        raise BulkCsvError(f"array {values!r} has an empty element or one holding the delimiter U+001F")
    return text


# Columns the CSV writer spells itself; the others are spelled in Python first.
_ARROW_TYPES: Final = {
    "string": pa.string(),
    "boolean": pa.bool_(),
    "long": pa.int64(),
    "double": pa.float64(),
    "date": pa.date32(),
}


def _column(owner: str, name: str, values: list[Any]) -> tuple[str, pa.Array]:
    """The importer type of one property over a file, and its values ready for the CSV writer."""
    if not _PROPERTY_NAME.fullmatch(name):
        raise BulkCsvError(f"{owner}.{name}: not a property name the CSV header can carry")
    present = [v for v in values if v is not None]
    python_types = {type(v) for v in present}
    # One Python type is one importer type, except lists (the element types count) and datetimes
    # (with or without a zone): those are typed value by value.
    if len(python_types) == 1 and python_types.isdisjoint({list, tuple, dt.datetime}):
        kinds = {value_type(present[0])}
    else:
        kinds = {value_type(v) for v in present}
    if len(kinds) != 1:
        raise BulkCsvError(f"{owner}.{name} holds values of types {sorted(kinds)}; a CSV column has one")
    kind = kinds.pop()
    if kind == "double" and not all(math.isfinite(v) for v in present):
        raise BulkCsvError(f"{owner}.{name}: NaN and infinity have no CSV spelling the importer reads")
    if kind in _ARROW_TYPES:
        try:
            return kind, pa.array(values, _ARROW_TYPES[kind])
        except (pa.ArrowInvalid, OverflowError) as error:  # an integer beyond 64 bits
            raise BulkCsvError(f"{owner}.{name}: {error}") from error
    spell = _joined if kind.endswith("[]") else _spelled
    return kind, pa.array([None if v is None else spell(v) for v in values], pa.string())


def _spans_lines(column: pa.Array | pa.ChunkedArray) -> bool:
    if not pa.types.is_string(column.type):
        return False
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    return any(_chunk_spans_lines(chunk) for chunk in chunks)


def _chunk_spans_lines(chunk: pa.Array) -> bool:
    """A byte scan of the characters the (possibly sliced) chunk holds: a line break is one byte in
    UTF-8, and numpy scans bytes far faster than a string kernel matches values."""
    _validity, offsets, data = chunk.buffers()
    if data is None or not len(chunk):
        return False
    bounds = np.frombuffer(offsets, dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
    text = np.frombuffer(data, dtype=np.uint8)[bounds[0] : bounds[-1]]
    return bool(((text == 0x0A) | (text == 0x0D)).any())


def _write_csv(path: Path, header: list[str], columns: list[pa.Array], files: ImportFiles) -> None:
    """A header line, then the rows; ``all_valid`` quotes every value and leaves nulls empty."""
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(header) + "\n")
    table = pa.table(columns, names=[str(i) for i in range(len(columns))])
    with pa.OSFile(str(path), "ab") as sink:
        csv.write_csv(table, sink, csv.WriteOptions(include_header=False, quoting_style="all_valid"))
    files.multiline |= any(_spans_lines(c) for c in columns)


def _properties(
    owner: str, entities: list[dict[str, Any]], skip: str = ""
) -> tuple[list[str], list[pa.Array]]:
    """Header fields and columns of every property the entities of one file hold, sorted by name."""
    names = sorted(set().union(*(e.keys() for e in entities)) - {skip})
    header, columns = [], []
    for name in names:
        kind, column = _column(owner, name, [e.get(name) for e in entities])
        header.append(f"{name}:{kind}")
        columns.append(column)
    return header, columns


# --- files ------------------------------------------------------------------------------------------


def _write_nodes(
    folder: Path,
    label: str,
    key: str,
    nodes: list[tuple[str, tuple[str, ...], dict[str, Any]]],
    files: ImportFiles,
) -> dict[str, int]:
    """One node file; returns each key's importer ID (its row number)."""
    wrong = next((k for k, _labels, props in nodes if not isinstance(k, str) or props.get(key) != k), None)
    if wrong is not None:
        raise BulkCsvError(f"{label} {wrong!r}: its {key} property must be its string key")
    header, columns = _properties(label, [props for _k, _labels, props in nodes])
    ids = pa.array(range(len(nodes)), pa.int64())
    labels = pa.array([ARRAY_DELIMITER.join(labels) for _k, labels, _props in nodes], pa.string())
    path = folder / f"nodes-{label}.csv"
    _write_csv(path, [f":ID({label})", ":LABEL", *header], [ids, labels, *columns], files)
    files.nodes.append(path)
    files.node_count += len(nodes)
    return {k: i for i, (k, _labels, _props) in enumerate(nodes)}


def _numbered(ids: dict[str, dict[str, int]], label: str, keys: list[str]) -> pa.Array:
    """The importer IDs of relationship ends; an end that is no node is refused, not imported."""
    try:
        return pa.array([ids[label][k] for k in keys], pa.int64())
    except KeyError as missing:
        raise BulkCsvError(f"a relationship ends at {label} {missing}, which is no node") from None


def write_import_files(image: GraphImage, load_run: dict[str, Any], folder: Path) -> ImportFiles:
    """Write ``image`` plus the ``(:LoadRun)`` node (``load_run`` holds its properties) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = ImportFiles(folder=folder)
    by_label: dict[str, list[tuple[str, tuple[str, ...], dict[str, Any]]]] = defaultdict(list)
    for ref, props in image.nodes.items():
        by_label[ref[0]].append((ref[1], image.labels(ref), props))
    ids = {
        label: _write_nodes(folder, label, NODE_KEYS[label], by_label[label], files)
        for label in sorted(by_label)
    }
    _write_nodes(folder, "LoadRun", "runId", [(load_run["runId"], ("LoadRun",), load_run)], files)

    by_kind: dict[tuple[str, str, str], list[tuple[Any, Any, dict[str, Any]]]] = defaultdict(list)
    for (start_label, start, rel_type, end_label, end, _pattern), extra in image.relationships.items():
        by_kind[(rel_type, start_label, end_label)].append((start, end, extra or _NONE))
    for (rel_type, start_label, end_label), rels in sorted(by_kind.items()):
        header, columns = _properties(rel_type, [extra for _s, _e, extra in rels])
        starts = _numbered(ids, start_label, [start for start, _end, _extra in rels])
        ends = [starts, _numbered(ids, end_label, [end for _start, end, _extra in rels])]
        path = folder / f"relationships-{rel_type}-{start_label}-{end_label}.csv"
        fixed = [f":START_ID({start_label})", f":END_ID({end_label})", ":TYPE", "loadRun:string"]
        constants = [pa.array([value] * len(rels), pa.string()) for value in (rel_type, image.run)]
        _write_csv(path, [*fixed, *header], [*ends, *constants, *columns], files)
        files.relationships.append(path)
        files.relationship_count += len(rels)
    return files
