"""Nodes and relationships as typed columns, and their importer CSV files.

The column-wise counterpart of ``graph.bulk_csv.write_import_files``: ``graph.bulk_frames`` builds one
``NodeColumns`` per label and one ``RelationshipColumns`` per (type, start label, end label) straight
from the linked frames, and this module writes them with the same conventions (see ``graph.bulk_csv``:
every value quoted, a null is an empty unquoted field, arrays joined with U+001F, one ID space of row
numbers per label with the key as a string property). A property column is a pyarrow array whose type
*is* the importer type, so no value is inspected one by one.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

from .bulk_csv import (
    _PROPERTY_NAME,
    ARRAY_DELIMITER,
    BulkCsvError,
    ImportFiles,
    _properties,
    _spans_lines,
    _write_nodes,
)
from .bulk_image import NODE_KEYS, GraphImage

# Importer header type of each arrow type a property column may have.
_HEADER_TYPES: Final = {
    pa.string(): "string",
    pa.bool_(): "boolean",
    pa.int64(): "long",
    pa.date32(): "date",
}
STRING_ARRAY: Final = "string[]"  # a string column already joined with ARRAY_DELIMITER
_SLICE_ROWS: Final = 200_000


@dataclass
class Property:
    """One property column; ``kind`` overrides the header type (``string[]`` for joined arrays).
    With ``empty_is_null`` an empty string is written as a missing property (the loader's
    ``value or None``), converted slice by slice as the file is written rather than copied whole."""

    values: pa.Array | pa.ChunkedArray
    kind: str = ""
    empty_is_null: bool = False

    def is_empty(self) -> bool:
        """No entity holds this property (the row-wise writer has no column for it either)."""
        if self.empty_is_null:
            return not pc.any(pc.not_equal(self.values, "")).as_py()
        return self.values.null_count == len(self.values)

    def written(self, start: int, length: int) -> pa.Array | pa.ChunkedArray:
        values = self.values.slice(start, length)
        if self.empty_is_null:
            return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        return values

    def header_type(self, owner: str, name: str) -> str:
        if not _PROPERTY_NAME.fullmatch(name):
            raise BulkCsvError(f"{owner}.{name}: not a property name the CSV header can carry")
        if self.kind:
            return self.kind
        try:
            return _HEADER_TYPES[self.values.type]
        except KeyError:
            raise BulkCsvError(f"{owner}.{name}: no importer type for {self.values.type}") from None


Properties = dict[str, Property]


@dataclass
class NodeColumns:
    """Every node of one label: ``ids`` (the key property, unique), the extra labels (a string column
    joined with ARRAY_DELIMITER, or none) and the other properties."""

    label: str
    key: str
    ids: pa.Array | pa.ChunkedArray
    properties: Properties = field(default_factory=dict)
    extra_labels: pa.Array | pa.ChunkedArray | None = None

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class RelationshipColumns:
    """Every relationship of one type between two labels; each also carries ``loadRun``."""

    rel_type: str
    start_label: str
    end_label: str
    starts: pa.Array | pa.ChunkedArray
    ends: pa.Array | pa.ChunkedArray
    properties: Properties = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.starts)


def strings(values: Any) -> pa.Array | pa.ChunkedArray:
    """A string column (from a pandas Series, list or arrow array), ``large_string`` narrowed."""
    array = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values, pa.string())
    return array if array.type == pa.string() else array.cast(pa.string())


def absent_if_empty(values: Any) -> Property:
    """A string property where ``""`` is missing: ``value or None`` in the loader's rows."""
    return Property(strings(values), empty_is_null=True)


def joined_array(owner: str, lists: pa.Array | pa.ChunkedArray) -> Property:
    """A ``string[]`` property from a list<string> column; the elements must come back whole."""
    flat = pc.list_flatten(lists)
    if len(flat) and (
        pc.any(pc.equal(flat, "")).as_py() or pc.any(pc.match_substring(flat, ARRAY_DELIMITER)).as_py()
    ):
        raise BulkCsvError(f"{owner}: an array has an empty element or one holding the delimiter U+001F")
    if pc.any(pc.equal(pc.list_value_length(lists), 0)).as_py():
        raise BulkCsvError(f"{owner}: an empty list cannot be told apart from a missing property in the CSV")
    return Property(pc.binary_join(lists, ARRAY_DELIMITER), STRING_ARRAY)


def _header_and_columns(owner: str, properties: Properties) -> tuple[list[str], list[Property]]:
    header, columns = [], []
    for name in sorted(properties):
        prop = properties[name]
        if not prop.is_empty():
            header.append(f"{name}:{prop.header_type(owner, name)}")
            columns.append(prop)
    return header, columns


def _write_rows(path: Path, header: list[str], columns: list[Property], files: ImportFiles) -> None:
    """A header line, then the rows, ``_SLICE_ROWS`` at a time: a file never needs a second copy of
    its columns. ``all_valid`` quotes every value and leaves nulls empty."""
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(header) + "\n")
    count = len(columns[0].values)
    options = csv.WriteOptions(include_header=False, quoting_style="all_valid")
    names = [str(i) for i in range(len(columns))]
    with pa.OSFile(str(path), "ab") as sink:
        for start in range(0, count, _SLICE_ROWS):
            table = pa.table([c.written(start, _SLICE_ROWS) for c in columns], names=names)
            csv.write_csv(table, sink, options)
    files.multiline |= any(_spans_lines(c.values) for c in columns)


def _write_node_file(folder: Path, nodes: NodeColumns, files: ImportFiles) -> None:
    ids = strings(nodes.ids)
    if ids.null_count or len(pc.unique(ids)) != len(ids):
        raise BulkCsvError(f"{nodes.label}: every node needs its own {nodes.key}")
    labels = nodes.extra_labels
    if labels is None:
        label_column = _constant(nodes.label, len(ids))
    else:
        joined = pc.binary_join_element_wise(nodes.label, labels, ARRAY_DELIMITER)
        label_column = pc.if_else(pc.is_null(labels), nodes.label, joined)
    # The key is a property like the others; the importer ID is the row number (see graph.bulk_csv).
    header, columns = _header_and_columns(nodes.label, {**nodes.properties, nodes.key: Property(ids)})
    path = folder / f"nodes-{nodes.label}.csv"
    row_numbers = Property(pa.array(np.arange(len(ids), dtype=np.int64)))
    _write_rows(
        path,
        [f":ID({nodes.label})", ":LABEL", *header],
        [row_numbers, Property(label_column), *columns],
        files,
    )
    files.nodes.append(path)
    files.node_count += len(ids)


def _write_relationship_file(
    folder: Path, rels: RelationshipColumns, ends: list[pa.Array], run: str, files: ImportFiles
) -> None:
    header, columns = _header_and_columns(rels.rel_type, rels.properties)
    count = len(rels.starts)
    fixed = [f":START_ID({rels.start_label})", f":END_ID({rels.end_label})", ":TYPE", "loadRun:string"]
    constants = [_constant(value, count) for value in (rels.rel_type, run)]
    path = folder / f"relationships-{rels.rel_type}-{rels.start_label}-{rels.end_label}.csv"
    fixed_columns = [*(Property(e) for e in ends), *(Property(c) for c in constants)]
    _write_rows(path, [*fixed, *header], [*fixed_columns, *columns], files)
    files.relationships.append(path)
    files.relationship_count += count


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _constant(value: str, count: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.string()), count)


@dataclass
class GraphColumns:
    """The import files of one linked output, written step by step into ``folder``.

    A label's node file is written once no later step can add to it (``finish``), after which only its
    keys stay in memory (for ``exists`` and the relationship ends). So the largest files (source records,
    persons) never wait in memory for the rest of the graph. Relationships wait for ``close`` (their key
    columns, not files): their ends are numbered then, one lookup per label for all types together.

    The files are written by one background thread while the next steps are built: pyarrow formats
    CSV without the GIL, so the two can overlap on a second core (at 1M it saved ~1 s of ~49: most
    steps hold the GIL in pandas). One thread keeps the files' order and the ``files`` tallies
    sequential; a write that fails is raised at the next step, or at ``close``.
    """

    run: str
    folder: Path
    nodes: dict[str, NodeColumns] = field(default_factory=dict)
    rows_per_step: dict[str, int] = field(default_factory=dict)
    files: ImportFiles = field(init=False)
    _finished: set[str] = field(default_factory=set)
    _kinds: set[tuple[str, str, str]] = field(default_factory=set)
    _writer: ThreadPoolExecutor = field(init=False)
    _writes: list[Future[None]] = field(default_factory=list)
    _relationships: list[RelationshipColumns] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files = ImportFiles(folder=self.folder)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-csv")

    def _write(self, job: Callable[[], None]) -> None:
        for done in [w for w in self._writes if w.done()]:
            done.result()  # a failed write stops the build here
            self._writes.remove(done)
        self._writes.append(self._writer.submit(job))

    def _wait(self) -> None:
        try:
            for write in self._writes:
                write.result()
        finally:
            self._writes.clear()

    def discard(self) -> None:
        """Stop writing (the build failed): queued files are dropped, the one being written finishes."""
        self._writer.shutdown(wait=True, cancel_futures=True)

    def add_nodes(self, label: str, ids: Any, properties: Properties, labels: pa.Array | None = None) -> None:
        """Nodes a step MERGEs and SETs: their properties plus ``loadRun``."""
        keys = strings(ids)
        stamped = {**properties, "loadRun": Property(_constant(self.run, len(keys)))}
        self.nodes[label] = NodeColumns(label, NODE_KEYS[label], keys, stamped, labels)

    def add_keys(self, label: str, keys: Any, *, stamped: bool) -> None:
        """``MERGE`` of keys a previous step may have written: those missing get their key alone, plus
        ``loadRun`` when the step stamps them (``SET x.loadRun``), else nothing (a bare ``MERGE``)."""
        if label in self._finished:
            raise RuntimeError(f"{label} nodes are written already; finish them after the last MERGE")
        nodes = self.nodes[label]
        wanted = pc.unique(_array(strings(keys)))
        missing = wanted.filter(pc.invert(pc.is_in(wanted, value_set=_array(nodes.ids))))
        if not len(missing):
            return
        nodes.ids = pa.concat_arrays([_array(nodes.ids), missing])
        for name, prop in nodes.properties.items():
            if name == "loadRun" and stamped:
                more = _constant(self.run, len(missing))
            else:
                more = pa.nulls(len(missing), prop.values.type)
            prop.values = pa.concat_arrays([_array(prop.values), more])
        if nodes.extra_labels is not None:
            more_labels = pa.nulls(len(missing), pa.string())
            nodes.extra_labels = pa.concat_arrays([_array(nodes.extra_labels), more_labels])

    def finish(self, *labels: str) -> None:
        """Write the node files of ``labels``, keeping only their keys."""
        for label in labels:
            nodes = self.nodes[label]
            if len(nodes):
                self._write(functools.partial(_write_node_file, self.folder, nodes, self.files))
            self.nodes[label] = NodeColumns(label, nodes.key, nodes.ids)
            self._finished.add(label)

    def relate(
        self,
        rel_type: str,
        start: str,
        end: str,
        starts: Any,
        ends: Any,
        properties: Properties | None = None,
    ) -> None:
        """Distinct relationships (the caller drops repeated pairs: MERGE writes one), written at
        ``close``, when every label's nodes are known: see ``_write_relationships``."""
        if (rel_type, start, end) in self._kinds:
            raise BulkCsvError(f"{rel_type} from {start} to {end} written twice; merge the sets first")
        self._kinds.add((rel_type, start, end))
        for label in (start, end):
            if label not in self.nodes:
                raise BulkCsvError(f"a relationship ends at {label} nodes, and there are none")
        rels = RelationshipColumns(rel_type, start, end, strings(starts), strings(ends), properties or {})
        if len(rels):
            self._relationships.append(rels)

    def _write_relationships(self) -> None:
        """Every relationship file, its ends numbered by one lookup per label for all files together:
        a lookup hashes the label's keys first, and Person is an end of a dozen relationship types."""
        ends: dict[str, list[pa.Array]] = defaultdict(list)
        for rels in self._relationships:
            ends[rels.start_label].append(_array(rels.starts))
            ends[rels.end_label].append(_array(rels.ends))
        # The labels' lookups are independent and ``index_in`` releases the GIL: two run at a time
        # (Person's, the largest, beside the others).
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="bulk-ends") as lookups:
            parts = lookups.map(self._row_numbers, ends.keys(), ends.values())
            numbered = {label: iter(label_parts) for label, label_parts in zip(ends, parts, strict=True)}
        for rels in self._relationships:
            pair = [next(numbered[rels.start_label]), next(numbered[rels.end_label])]
            self._write(
                functools.partial(_write_relationship_file, self.folder, rels, pair, self.run, self.files)
            )
        self._relationships.clear()

    def _row_numbers(self, label: str, parts: list[pa.Array]) -> list[pa.Array]:
        """The importer IDs of relationship ends: each key's position among the label's nodes, which
        ``add_keys`` only ever appends to, so a position never changes once given. A part that is the
        label's keys themselves, in order (each source record RESOLVES_TO its person), is numbered
        without a lookup."""
        ids = _array(self.nodes[label].ids)
        whole = [len(part) == len(ids) and part.equals(ids) for part in parts]
        looked_up = [part for part, same in zip(parts, whole, strict=True) if not same]
        keys = pa.concat_arrays(looked_up) if looked_up else pa.array([], pa.string())
        positions = pc.index_in(keys, value_set=ids)
        if positions.null_count:
            missing = keys.filter(pc.is_null(positions))[0]
            raise BulkCsvError(f"a relationship ends at {label} {missing}, which is no node")
        positions = positions.cast(pa.int64())
        numbered: list[pa.Array] = []
        offset = 0
        for part, same in zip(parts, whole, strict=True):
            if same:
                numbered.append(pa.array(np.arange(len(part), dtype=np.int64)))
            else:
                numbered.append(positions.slice(offset, len(part)))
                offset += len(part)
        return numbered

    def exists(self, label: str, keys: Any) -> pa.Array:
        """Which ``keys`` name a written node of ``label``: what a ``MATCH`` finds."""
        return pc.is_in(strings(keys), value_set=_array(self.nodes[label].ids))

    def close(self, load_run: dict[str, Any]) -> ImportFiles:
        """Write the remaining node files and the ``(:LoadRun)`` node (``load_run``: its properties)."""
        self.finish(*sorted(set(self.nodes) - self._finished))
        try:
            self._write_relationships()
            self._wait()
        finally:
            self._writer.shutdown(wait=True, cancel_futures=True)
        _write_nodes(
            self.folder, "LoadRun", "runId", [(load_run["runId"], ("LoadRun",), load_run)], self.files
        )
        self.files.nodes.sort()
        self.files.relationships.sort()
        return self.files


@dataclass
class GraphChanges:
    """What one step does to a ``GraphColumns``, recorded to be applied later (``apply_to``).

    A step can then compute its columns on a worker thread while the main thread applies the steps
    before it: ``GraphColumns`` is only touched by one thread, in the loader's order, which the MERGE
    rules need (``add_keys`` appends to nodes an earlier step wrote). Keys become arrow strings here,
    in the worker."""

    run: str
    rows_per_step: dict[str, int] = field(default_factory=dict)
    _changes: list[Callable[[GraphColumns], None]] = field(default_factory=list)

    def add_nodes(self, label: str, ids: Any, properties: Properties, labels: pa.Array | None = None) -> None:
        keys = strings(ids)
        self._changes.append(lambda g: g.add_nodes(label, keys, properties, labels))

    def add_keys(self, label: str, keys: Any, *, stamped: bool) -> None:
        merged = strings(keys)
        self._changes.append(lambda g: g.add_keys(label, merged, stamped=stamped))

    def relate(
        self,
        rel_type: str,
        start: str,
        end: str,
        starts: Any,
        ends: Any,
        properties: Properties | None = None,
    ) -> None:
        pair = strings(starts), strings(ends)
        self._changes.append(lambda g: g.relate(rel_type, start, end, *pair, properties))

    def apply_to(self, g: GraphColumns) -> None:
        for change in self._changes:
            change(g)
        g.rows_per_step.update(self.rows_per_step)


def image_columns(image: GraphImage) -> tuple[list[NodeColumns], list[RelationshipColumns]]:
    """A (small) ``GraphImage`` as columns, typed by ``graph.bulk_csv`` exactly as its own writer does."""
    by_label: dict[str, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for ref, props in image.nodes.items():
        by_label[ref[0]].append((ref, props))
    nodes = []
    for label, entries in sorted(by_label.items()):
        key = NODE_KEYS[label]
        header, columns = _properties(label, [props for _ref, props in entries], skip=key)
        properties = {
            h.split(":")[0]: Property(c, h.split(":")[1]) for h, c in zip(header, columns, strict=True)
        }
        extra = [ARRAY_DELIMITER.join(image.labels(ref)[1:]) or None for ref, _props in entries]
        ids = pa.array([ref[1] for ref, _props in entries], pa.string())
        nodes.append(NodeColumns(label, key, ids, properties, pa.array(extra, pa.string())))
    by_kind: dict[tuple[str, str, str], list[tuple[Any, Any, dict[str, Any]]]] = defaultdict(list)
    for (start_label, start, rel_type, end_label, end, _pattern), other in image.relationships.items():
        by_kind[(rel_type, start_label, end_label)].append((start, end, other or {}))
    relationships = []
    for (rel_type, start_label, end_label), rels in sorted(by_kind.items()):
        header, columns = _properties(rel_type, [props for _s, _e, props in rels])
        properties = {
            h.split(":")[0]: Property(c, h.split(":")[1]) for h, c in zip(header, columns, strict=True)
        }
        starts, ends = (pa.array([r[i] for r in rels], pa.string()) for i in (0, 1))
        relationships.append(RelationshipColumns(rel_type, start_label, end_label, starts, ends, properties))
    return nodes, relationships
