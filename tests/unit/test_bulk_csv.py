"""The bulk path without a server: the MERGE semantics replayed in memory, and the importer's CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath

import pytest

from graph.bulk_csv import ARRAY_DELIMITER, BulkCsvError, value_type, write_import_files
from graph.bulk_image import GraphImage, build_image
from graph.extract import Extraction
from graph.linked_input import read_linked
from graph.sample_linked import record, write_linked

RUN = "run-1"
LOAD_RUN = {"runId": RUN, "status": "complete", "startedAt": dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_merge_creates_a_bare_node_and_set_map_replaces_every_property() -> None:
    g = GraphImage(run=RUN)
    agency = g.merge("Agency", "LIC:1")
    assert g.nodes[agency] == {"agencyId": "LIC:1"}  # what a bare MERGE leaves: no loadRun either
    g.stamp(agency, {"name": "PT A", "licence": None})
    assert g.nodes[agency] == {"agencyId": "LIC:1", "name": "PT A", "loadRun": RUN}
    g.update(agency, {"name": None})
    assert "name" not in g.nodes[agency]
    g.replace(agency, {"agencyId": "LIC:1", "licence": "KEP 1"})
    assert g.nodes[agency] == {"agencyId": "LIC:1", "licence": "KEP 1", "loadRun": RUN}
    assert g.match("Agency", "LIC:2") is None
    with pytest.raises(ValueError, match="agencyId"):
        g.merge("Agency", None)


def test_relationships_merge_once_per_pattern_and_repoint() -> None:
    g = GraphImage(run=RUN)
    record_ref, p1, p2 = g.merge("SourceRecord", "a:1"), g.merge("Person", "P1"), g.merge("Person", "P2")
    g.relate(record_ref, "RESOLVES_TO", p1)
    g.relate(record_ref, "RESOLVES_TO", p1)
    g.relate(p1, "FAMILY_OF", p2, {"basis": "declared"}, pattern=(("relation", "suami"),))
    g.relate(p1, "FAMILY_OF", p2, {"basis": "family_card"}, pattern=(("relation", "anak"),))
    assert len(g.relationships) == 3  # one RESOLVES_TO, one FAMILY_OF per relation
    g.unrelate(record_ref, "RESOLVES_TO", keep=p2)
    g.relate(record_ref, "RESOLVES_TO", p2)
    ends = [ref[2:5] for ref in g.relationships if ref[:2] == record_ref]
    assert ends == [("RESOLVES_TO", "Person", "P2")]
    family = [g.relationship_properties(ref) for ref in g.relationships if ref[2] == "FAMILY_OF"]
    assert sorted(f["relation"] + " " + f["basis"] for f in family) == ["anak family_card", "suami declared"]
    assert {f["loadRun"] for f in family} == {RUN}


def test_image_of_a_linked_folder_drops_rows_whose_nodes_are_missing(tmp_path: Path) -> None:
    rows = [
        record("disnaker:1", "P1", full_name="SITI", agency_licence="KEP 1/2020", region_code="3212"),
        record("disnaker:2", "P2", full_name="BUDI", broker_name="PAK DARTO", broker_phone="+6281399900001"),
    ]
    linked = read_linked(write_linked(tmp_path, rows, {"P1"}))
    image, per_step = build_image(Extraction(linked), linked.run_id)
    assert per_step["persons"] == 2 and per_step["records"] == 2
    assert image.labels(("Person", "P1")) == ("Person", "Worker")
    assert image.labels(("Person", "P2")) == ("Person",)
    # A licence without a name: the MERGE loader stores the empty string, and so does the image.
    assert image.nodes[("Agency", "LIC:KEP1/2020")]["name"] == ""
    broker_phone = ("Phone", "+6281399900001")
    assert image.nodes[broker_phone] == {"e164": "+6281399900001", "loadRun": linked.run_id}
    assert all(image.relationship_properties(ref)["loadRun"] == linked.run_id for ref in image.relationships)


def test_csv_keeps_nulls_empty_strings_and_types_apart(tmp_path: Path) -> None:
    g = GraphImage(run=RUN)
    siti, budi = g.merge("Person", "P1"), g.merge("Person", "P2")
    g.replace(
        siti,
        {
            "personId": "P1",
            "fullName": 'SITI "ANI", AMINAH',
            "nik": "",
            "birthDate": dt.date(1990, 1, 15),
            "isWorker": True,
            "recordCount": 3,
        },
    )
    g.extra_labels[siti] = ("Worker",)
    g.replace(budi, {"personId": "P2", "fullName": "BUDI", "isWorker": False, "recordCount": 1})
    phone = g.merge("Phone", "+62812")
    g.relate(siti, "HAS_PHONE", phone, {"sources": ["disnaker", "siskop2mi"]})
    files = write_import_files(g, LOAD_RUN, tmp_path)

    people = _lines(tmp_path / "nodes-Person.csv")
    # The importer ID is the row number (not stored); the key is a string property like the others.
    assert people[0] == (
        ":ID(Person),:LABEL,birthDate:date,fullName:string,isWorker:boolean,loadRun:string,"
        "nik:string,personId:string,recordCount:long"
    )
    worker = f'"Person{ARRAY_DELIMITER}Worker"'
    # Every value is quoted (the importer parses "3" in a long column as 3); a missing one is empty.
    assert people[1] == f'"0",{worker},"1990-01-15","SITI ""ANI"", AMINAH","true","{RUN}","","P1","3"'
    assert people[2] == f'"1","Person",,"BUDI","false","{RUN}",,"P2","1"'  # no birth date, no NIK
    assert _lines(tmp_path / "nodes-Phone.csv")[1:] == ['"0","Phone","+62812"']
    phones = _lines(tmp_path / "relationships-HAS_PHONE-Person-Phone.csv")
    assert phones == [  # P1 is row 0 of the person file, +62812 row 0 of the phone file
        ":START_ID(Person),:END_ID(Phone),:TYPE,loadRun:string,sources:string[]",
        f'"0","0","HAS_PHONE","{RUN}","disnaker{ARRAY_DELIMITER}siskop2mi"',
    ]
    assert (
        _lines(tmp_path / "nodes-LoadRun.csv")[1]
        == f'"0","LoadRun","{RUN}","2026-11-01T08:00:00Z","complete"'
    )
    assert (files.node_count, files.relationship_count, files.multiline) == (4, 1, False)


def test_importer_arguments_name_every_file_where_the_importer_sees_it(tmp_path: Path) -> None:
    g = GraphImage(run=RUN)
    g.stamp(g.merge("Complaint", "K-1"), {"text": "gaji\ntidak dibayar"})
    files = write_import_files(g, LOAD_RUN, tmp_path)
    assert files.multiline  # a line break inside a value: the importer must be told
    arguments = files.importer_arguments(PurePosixPath("/import"))
    assert "--multiline-fields=true" in arguments
    assert "--array-delimiter=U+001F" in arguments
    assert sorted(a for a in arguments if a.startswith("--nodes=")) == [
        "--nodes=/import/nodes-Complaint.csv",
        "--nodes=/import/nodes-LoadRun.csv",
    ]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"recordCount": "3"}, r"Person\.recordCount holds values of types \['long', 'string'\]"),
        ({"sources": []}, "empty list"),
        ({"sources": [f"a{ARRAY_DELIMITER}b"]}, "delimiter U"),
        ({"sources": ["a", ""]}, "empty element"),
        ({"sources": ["a", 1]}, "mixes"),
        ({"score": float("nan")}, "CSV spelling"),
        ({"scores": [1.0, float("inf")]}, "CSV spelling"),
        ({"big": 2**70}, "Person.big"),
        ({"bad name": "x"}, "not a property name"),
        ({"blob": b"x"}, "no importer type"),
    ],
)
def test_values_the_csv_cannot_carry_are_refused(
    tmp_path: Path, props: dict[str, object], message: str
) -> None:
    g = GraphImage(run=RUN)
    g.replace(g.merge("Person", "P1"), {"personId": "P1", "recordCount": 1})
    g.update(g.merge("Person", "P2"), {"recordCount": 2, **props})
    with pytest.raises(BulkCsvError, match=message):
        write_import_files(g, LOAD_RUN, tmp_path)


def test_value_types_follow_what_the_driver_would_send() -> None:
    assert value_type(True) == "boolean"  # not long, although bool is an int in Python
    assert value_type(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) == "datetime"
    assert value_type(dt.datetime(2026, 1, 1)) == "localdatetime"
    assert value_type(dt.date(2026, 1, 1)) == "date"
    assert value_type(["a"]) == "string[]"
    assert value_type(1.5) == "double"


def test_cli_writes_the_csv_and_prints_the_importer_command(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ltsa.cli import app

    linked = write_linked(tmp_path / "linked", [record("disnaker:1", "P1", full_name="SITI")], {"P1"})
    result = CliRunner().invoke(app, ["load", str(linked), "--bulk-csv", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    command = result.stdout.strip().splitlines()[-1].split()
    assert command[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    assert "--nodes=/import/nodes-Person.csv" in command
    assert (tmp_path / "csv" / "nodes-Person.csv").is_file()


def test_cli_refuses_bulk_against_a_remote_server_and_overwrite_without_bulk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ltsa.cli import app

    linked = write_linked(tmp_path / "linked", [record("disnaker:1", "P1", full_name="SITI")], {"P1"})
    monkeypatch.setenv("NEO4J_URI", "bolt://neo4j.example:7687")
    remote = CliRunner().invoke(app, ["load", str(linked), "--bulk"])
    assert remote.exit_code == 2
    assert "--bulk-csv" in " ".join(remote.output.split())
    overwrite = CliRunner().invoke(app, ["load", str(linked), "--overwrite"])
    assert overwrite.exit_code == 2
    assert "--bulk" in overwrite.output
