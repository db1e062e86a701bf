"""The loader against the real server: model, idempotency, incremental re-pointing, kill-and-resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from neo4j import Driver

from graph.connection import Neo4jSettings
from graph.linked_input import LinkedInputError
from graph.load import load_linked
from graph.sample_linked import record, synthetic_population, write_linked
from linkage.linked import RECORDS_FILE

from .graph_world import SHARED_PHONE, graph_snapshot, world_records, write_world

pytestmark = pytest.mark.neo4j
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _one(driver: Driver, cypher: str, **params: object) -> object:
    records, _, _ = driver.execute_query(cypher, params)
    return records[0][0]


def test_world_is_loaded_as_modelled(clean_graph: Driver, tmp_path: Path) -> None:
    report = load_linked(clean_graph, write_world(tmp_path / "linked"), batch_size=3)
    assert (report.source_records, report.persons) == (8, 5)
    # Both spellings of the agency meet on the licence; the complaint row's name-only mention too.
    agencies = _one(clean_graph, "MATCH (a:Agency) WITH a ORDER BY a.agencyId RETURN collect(a.agencyId)")
    assert agencies == ["LIC:KEP123/2020", "LIC:KEP9/2019"]
    # Siti's pre-departure registration joins her dated placement through the same agency.
    placement = _one(
        clean_graph,
        "MATCH (:Person {personId: 'P1'})-[:HAS_PLACEMENT]->(pl)<-[:DESCRIBES]-(s) "
        "WITH pl, s ORDER BY s.key WITH pl, collect(s.key) AS keys "
        "RETURN pl {.phase, .procedural, keys: keys}",
    )
    assert placement == {"phase": "masa", "procedural": False, "keys": ["disnaker:1", "siskop2mi:1"]}
    assert (
        _one(clean_graph, "MATCH (:Person {personId: 'P1'})-[:LIVES_IN]->(r)-[:PART_OF]->(p) RETURN p.code")
        == "32"
    )
    assert (
        _one(clean_graph, "MATCH (p:Phone {e164: $e})<-[:HAS_PHONE]-(w) RETURN count(w)", e=SHARED_PHONE) == 3
    )
    assert (
        _one(clean_graph, "MATCH (:Region) RETURN count(*)") == 552
    )  # the whole reference, not only used codes
    assert _one(clean_graph, "MATCH (w:Worker) RETURN count(w)") == 4
    # Any golden value traces back to a record of its silo.
    assert (
        _one(
            clean_graph,
            "MATCH (p:Person {personId: 'P1'})<-[:RESOLVES_TO]-(s:SourceRecord {key: 'siskop2mi:1'}) "
            "RETURN s.rawFullName",
        )
        == "SITI AMINAH"
    )


def test_loading_twice_changes_nothing(clean_graph: Driver, tmp_path: Path) -> None:
    linked = write_world(tmp_path / "linked")
    first = load_linked(clean_graph, linked, batch_size=2)
    before = graph_snapshot(clean_graph)
    second = load_linked(clean_graph, linked, batch_size=5)
    assert second.run_id == first.run_id
    assert graph_snapshot(clean_graph) == before
    assert not second.cleaned_up


def test_new_linkage_run_repoints_records_and_drops_empty_persons(
    clean_graph: Driver, tmp_path: Path
) -> None:
    load_linked(clean_graph, write_world(tmp_path / "v1"))
    rows, workers = world_records()
    changed = []
    for row in rows:
        if row["record_key"] == "dukcapil:1":
            row = {**row, "person_id": "P6"}  # linkage now says this card entry is someone else
        if row["record_key"] == "disnaker:5":
            row = {**row, "person_id": "P4"}  # and that Agus's registration is Rina's: P5 is left empty
        if row["person_id"] == "P1":
            row = {**row, "full_name": "SITI AMINAH BINTI KARTA"}
        changed.append(row)
    v2 = write_linked(tmp_path / "v2", changed, workers)
    report = load_linked(clean_graph, v2)
    assert report.cleaned_up

    owner = "MATCH (:SourceRecord {key: $k})-[:RESOLVES_TO]->(p) RETURN collect(p.personId)"
    assert _one(clean_graph, owner, k="dukcapil:1") == ["P6"]
    assert _one(clean_graph, owner, k="disnaker:5") == ["P4"]
    assert _one(clean_graph, "MATCH (p:Person {personId: 'P5'}) RETURN count(p)") == 0
    assert (
        _one(clean_graph, "MATCH (p:Person {personId: 'P1'}) RETURN p.fullName") == "SITI AMINAH BINTI KARTA"
    )
    incremental = graph_snapshot(clean_graph)

    clean_graph.execute_query("MATCH (n) DETACH DELETE n")
    load_linked(clean_graph, v2)
    assert graph_snapshot(clean_graph) == incremental  # exactly what a clean load of v2 gives


def test_bad_folder_fails_before_any_write(clean_graph: Driver, tmp_path: Path) -> None:
    linked = write_world(tmp_path / "linked")
    frame = pd.read_parquet(linked / RECORDS_FILE)
    frame.loc[0, "person_id"] = "P404"
    frame.to_parquet(linked / RECORDS_FILE)
    with pytest.raises(LinkedInputError, match="P404"):
        load_linked(clean_graph, linked)
    with pytest.raises(LinkedInputError, match=r"records\.parquet: file not found"):
        load_linked(clean_graph, tmp_path)
    assert _one(clean_graph, "MATCH (n) RETURN count(n)") == 0


def test_steward_decisions_become_history_nodes(clean_graph: Driver, tmp_path: Path) -> None:
    decision = {
        "candidate_id": "c1",
        "left_key": "disnaker:1",
        "right_key": "siskop2mi:1",
        "decision": "MATCH",
        "note": "same passport photo",
        "steward": "ani",
        "decided_at": "2026-11-01T08:00:00Z",
    }
    load_linked(clean_graph, write_world(tmp_path / "linked", [decision]))
    about = _one(
        clean_graph,
        "MATCH (d:StewardDecision {candidateId: 'c1'})-[:ABOUT]->(s) WITH d, s ORDER BY s.key "
        "WITH d.decision AS decision, d.steward AS steward, collect(s.key) AS keys "
        "RETURN [decision, steward] + keys",
    )
    assert about == ["MATCH", "ani", "disnaker:1", "siskop2mi:1"]


_KILLABLE_LOAD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from graph.connection import Neo4jSettings, connect
    from graph.load import load_linked

    def progress(step: str, done: int, total: int) -> None:
        print(step, done, total, flush=True)

    load_linked(connect(Neo4jSettings.from_env()), Path(sys.argv[1]), batch_size=100, on_progress=progress)
    print("finished", flush=True)
    """
)


def test_load_killed_mid_way_then_rerun_equals_clean_load(
    clean_graph: Driver, neo4j_settings: Neo4jSettings, tmp_path: Path
) -> None:
    rows, workers = synthetic_population(1200)
    linked = write_linked(tmp_path / "linked", rows, workers)
    assert len(rows) > 3000
    env = {**os.environ, "NEO4J_URI": neo4j_settings.uri, "PYTHONPATH": str(PROJECT_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLABLE_LOAD, str(linked)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    for line in child.stdout:
        step, done, _total = line.split()
        if step == "records" and int(done) >= 1500:
            child.send_signal(signal.SIGKILL)  # mid-step, possibly mid-transaction
            break
    child.wait(30)
    assert child.returncode == -signal.SIGKILL
    assert _one(clean_graph, "MATCH (r:LoadRun) RETURN r.status") == "running"

    resumed = load_linked(clean_graph, linked, batch_size=700)  # another batch size on purpose
    assert resumed.rows_skipped >= 1500  # what was committed was not redone
    after_resume = graph_snapshot(clean_graph)

    clean_graph.execute_query("MATCH (n) DETACH DELETE n")
    load_linked(clean_graph, linked, batch_size=1000)
    assert graph_snapshot(clean_graph) == after_resume


def test_record_helper_rejects_unknown_columns() -> None:
    with pytest.raises(ValueError, match="nama"):
        record("x:1", "P1", nama="SITI")


def test_cli_load_reports_and_refuses_bad_folder(
    clean_graph: Driver, neo4j_settings: Neo4jSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ltsa.cli import app

    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    linked = write_world(tmp_path / "linked")
    result = CliRunner().invoke(app, ["load", str(linked), "--batch-size", "4"])
    assert result.exit_code == 0, result.output
    assert "source records" in result.output
    assert _one(clean_graph, "MATCH (s:SourceRecord) RETURN count(s)") == 8
    bad = CliRunner().invoke(app, ["load", str(tmp_path / "missing")])
    assert bad.exit_code == 2
    assert "missing: not a folder" in " ".join(bad.output.split())  # rich wraps long lines
