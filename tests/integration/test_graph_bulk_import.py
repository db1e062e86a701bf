"""The bulk path (neo4j-admin import) against the MERGE loader, on real servers: same graph, same
behaviour under a later incremental load, and the refusals that protect a store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph.bulk_import import BulkImportError, BulkLoadReport, bulk_load, import_files, write_bulk_csv
from graph.connection import Neo4jSettings, connect
from graph.linked_input import LinkedInputError
from graph.load import load_linked
from graph.local_server import LocalNeo4j
from graph.sample_linked import record, synthetic_population, write_linked
from graph.schema import CONSTRAINTS, INDEXES, describe_schema

from .graph_world import world_records

pytestmark = pytest.mark.neo4j

# The manifest's timestamps differ between any two loads; their types must not.
_TIMESTAMPS = {("LoadRun", "startedAt"), ("LoadRun", "completedAt")}
DECISION = {
    "candidate_id": "c1",
    "left_key": "disnaker:1",
    "right_key": "siskop2mi:1",
    "decision": "MATCH",
    "note": "same passport photo",
    "steward": "ani",
    "decided_at": "2026-11-01T08:00:00Z",
}


LOADER_SCHEMA = frozenset(name for name, _ in (*CONSTRAINTS, *INDEXES))


def _population() -> tuple[list[dict[str, str]], set[str]]:
    """The hand-built world, a small synthetic population (keys renamed so they do not collide with
    the world's) and one record with the values a CSV gets wrong: quotes, a comma, a line break, and
    an agency known only by its licence (its name is the empty string, not null)."""
    rows, workers = world_records()
    synthetic, synthetic_workers = synthetic_population(120, seed=11)
    for row in synthetic:
        source, _, record_id = row["record_key"].partition(":")
        row.update(record_key=f"{source}:s{record_id}", record_id=f"s{record_id}")
    awkward = record(
        "pengaduan:x1",
        "P3",
        full_name='DEWI "WIWIK", LESTARI',
        complaint_id="K-X",
        complaint_text='gaji "tidak" dibayar,\n3 bulan; lapor ke; LTSA',
        agency_licence="KEP 77/2021",
    )
    return [*rows, *synthetic, awkward], workers | synthetic_workers


def _moved(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """A later linkage run: one record moves to a new person, another empties P5, a name changes."""
    moved = {"dukcapil:1": "P6", "disnaker:5": "P4", "siskop2mi:s3": "P00000007"}
    changed = []
    for row in rows:
        row = {**row, "person_id": moved.get(row["record_key"], row["person_id"])}
        if row["person_id"] == "P1":
            row["full_name"] = "SITI AMINAH BINTI KARTA"
        changed.append(row)
    return changed


def _linked(folder: Path, *, later: bool = False) -> Path:
    rows, workers = _population()
    return write_linked(folder, _moved(rows) if later else rows, workers, [DECISION])


def _keys(driver: Driver) -> dict[str, str]:
    """Label → key property, read from the server's own uniqueness constraints."""
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties "
        "RETURN labelsOrTypes[0] AS label, properties[0] AS key"
    )
    return {r["label"]: r["key"] for r in records}


def _value(label: str, name: str, value: Any, kind: str) -> str:
    return kind if (label, name) in _TIMESTAMPS else f"{value!r} {kind}"


def canonical_dump(driver: Driver) -> dict[str, Any]:
    """Counts per label and type, and every node and relationship with each property's value and type."""
    keys = _keys(driver)
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, [k IN keys(n) | [k, n[k], valueType(n[k])]] AS props"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN labels(a) AS a, labels(b) AS b, type(r) AS type, "
        "properties(a) AS ap, properties(b) AS bp, [k IN keys(r) | [k, r[k], valueType(r[k])]] AS props"
    )

    def key_of(labels: list[str], props: dict[str, Any]) -> str:
        label = next(label for label in sorted(labels) if label in keys)
        return f"{label}:{props[keys[label]]}"

    node_lines = []
    for n in nodes:
        label = next(label for label in sorted(n["labels"]) if label in keys)
        values = sorted(f"{k}={_value(label, k, v, t)}" for k, v, t in n["props"])
        node_lines.append(f"{sorted(n['labels'])} {values}")
    rel_lines = [
        f"{key_of(r['a'], r['ap'])} -{r['type']}-> {key_of(r['b'], r['bp'])} "
        f"{sorted(f'{k}={v!r} {t}' for k, v, t in r['props'])}"
        for r in rels
    ]
    return {
        "labels": Counter(label for n in nodes for label in n["labels"]),
        "types": Counter(r["type"] for r in rels),
        "nodes": sorted(node_lines),
        "relationships": sorted(rel_lines),
        # The loader's schema only: other modules share the session server and add their own (the
        # candidate queue's constraint, for one), which a fresh bulk-loaded server cannot have.
        "schema": [item for item in describe_schema(driver) if item[1] in LOADER_SCHEMA],
    }


@dataclass
class BulkStore:
    """A store bulk-loaded with v1 and its server; v2 is the later linkage run."""

    v1: Path
    v2: Path
    store: Path
    report: BulkLoadReport
    server: LocalNeo4j


@pytest.fixture(scope="module")
def bulk_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BulkStore]:
    """One import and one server start for the whole module: both are slow, the tests only read until
    the last one, which takes the store offline and replaces it."""
    folder = tmp_path_factory.mktemp("bulk")
    v1, v2 = _linked(folder / "v1"), _linked(folder / "v2", later=True)
    report, server = bulk_load(v1, folder / "store", keep_running=True)
    assert server is not None
    try:
        yield BulkStore(v1, v2, folder / "store", report, server)
    finally:
        server.stop()


def test_bulk_graph_equals_merge_graph(clean_graph: Driver, bulk_store: BulkStore) -> None:
    load_linked(clean_graph, bulk_store.v1, batch_size=100)
    merged = canonical_dump(clean_graph)
    with connect(Neo4jSettings.from_env(uri=bulk_store.server.uri)) as bulk:
        imported = canonical_dump(bulk)
        # The awkward values survived as values: the empty name is "", not a missing property.
        agency, _, _ = bulk.execute_query(
            "MATCH (a:Agency {agencyId: $id}) RETURN a.name AS name", id="LIC:KEP77/2021"
        )
    assert imported["labels"] == merged["labels"]
    assert imported["types"] == merged["types"]
    assert imported["nodes"] == merged["nodes"]
    assert imported["relationships"] == merged["relationships"]
    assert imported["schema"] == merged["schema"]
    assert [r["name"] for r in agency] == [""]
    report = bulk_store.report
    assert (report.nodes, report.relationships) == (len(merged["nodes"]), len(merged["relationships"]))
    assert report.source_records == len(_population()[0])
    assert report.seconds >= report.import_seconds > 0


def test_bulk_load_refuses_while_a_server_holds_the_store(bulk_store: BulkStore) -> None:
    with pytest.raises(BulkImportError, match="server is using"):
        bulk_load(bulk_store.v2, bulk_store.store, overwrite=True)


def test_incremental_load_after_bulk_equals_incremental_load_after_merge(
    clean_graph: Driver, bulk_store: BulkStore
) -> None:
    load_linked(clean_graph, bulk_store.v1, batch_size=100)
    with connect(Neo4jSettings.from_env(uri=bulk_store.server.uri)) as bulk:
        before = canonical_dump(bulk)
        report = load_linked(bulk, bulk_store.v2, batch_size=100)
        after_bulk = canonical_dump(bulk)
        owner, _, _ = bulk.execute_query(
            "MATCH (:SourceRecord {key: 'dukcapil:1'})-[:RESOLVES_TO]->(p) RETURN p.personId AS id"
        )
    load_linked(clean_graph, bulk_store.v2, batch_size=100)
    assert report.cleaned_up  # the bulk run counts as a complete earlier run
    assert after_bulk == canonical_dump(clean_graph)
    assert after_bulk["nodes"] != before["nodes"]
    assert [r["id"] for r in owner] == ["P6"]


def test_bulk_load_replaces_a_database_with_data_only_when_told(
    clean_graph: Driver, bulk_store: BulkStore, tmp_path: Path
) -> None:
    with connect(Neo4jSettings.from_env(uri=bulk_store.server.uri)) as bulk:
        nodes = bulk.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
    bulk_store.server.stop()

    # An import that fails (here: a duplicated node ID) puts the database it was to replace back.
    files, _ = write_bulk_csv(bulk_store.v1, tmp_path / "csv")
    people = files.folder / "nodes-Person.csv"
    people.write_text(people.read_text() + people.read_text().splitlines()[1] + "\n")
    with pytest.raises(BulkImportError, match="import failed"):
        import_files(files, bulk_store.store, overwrite=True)
    with pytest.raises(BulkImportError, match=rf"holds {nodes:,} nodes .* --overwrite"):
        bulk_load(bulk_store.v1, bulk_store.store)

    # With overwrite the importer replaces everything: nothing of the graph before lingers.
    report, server = bulk_load(bulk_store.v1, bulk_store.store, overwrite=True, keep_running=True)
    assert server is not None and report.replaced_database
    try:
        with connect(Neo4jSettings.from_env(uri=server.uri)) as bulk:
            replaced = canonical_dump(bulk)
    finally:
        server.stop()
    load_linked(clean_graph, bulk_store.v1)
    assert replaced == canonical_dump(clean_graph)
    assert not (bulk_store.store / "replaced-by-bulk-import").exists()


def test_bad_folder_fails_before_the_store_is_touched(tmp_path: Path) -> None:
    with pytest.raises(LinkedInputError, match="not a folder"):
        bulk_load(tmp_path / "missing", tmp_path / "store")
    assert not (tmp_path / "store").exists()
