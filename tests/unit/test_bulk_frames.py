"""The column-wise bulk path (``graph.bulk_frames``) writes the same CSV as the row-wise replay
(``graph.bulk_image`` + ``graph.bulk_csv``), file for file, value for value, null for null — on a
synthetic population and on records built to hit each rule where the two could part ways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from graph.bulk_columns import GraphColumns
from graph.bulk_csv import BulkCsvError, write_import_files
from graph.bulk_frame_tools import read_linked_columns
from graph.bulk_frames import build_columns
from graph.bulk_image import NODE_KEYS, build_image
from graph.extract import Extraction
from graph.linked_input import LinkedInputError, read_linked
from graph.sample_linked import record, synthetic_population, write_linked

LOAD_RUN = {"runId": "r", "status": "complete", "startedAt": dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)}
DECISIONS = [
    {
        "candidate_id": "c1",
        "left_key": "disnaker:t1",
        "right_key": "imigrasi:gone",  # a record this output no longer has: no ABOUT to it
        "decision": "MATCH",
        "note": 'kata "dia", sama',
        "steward": "ani",
        "decided_at": "2026-11-01T08:00:00Z",
    },
    {  # the same decision again with another note: SET d = props, the later row wins
        "candidate_id": "c1",
        "left_key": "disnaker:t1",
        "right_key": "disnaker:t2",
        "decision": "MATCH",
        "note": "",
        "steward": "ani",
        "decided_at": "2026-11-01T08:00:00Z",
    },
]


def _tricky() -> list[dict[str, str]]:
    """Records aimed at the rules: ties, borrowed licences, bare MERGEs, repeated complaint IDs, cards
    with two heads, awkward text."""
    worker = {"nik": "3212015501900009", "region_code": "3212011001", "birth_date": "1990-02-30"}
    return [
        # One placement (same departure) whose most frequent employer name and country come from
        # different records: the placement's employer exists only as a bare MERGE.
        record("disnaker:t1", "T1", full_name='SİTİ "ÑENG", 李', alias_names="ENENG|NENG", **worker,
               employer_name="TAN HOLDINGS", employer_country="MY", departure_date="2024-01-05",
               placement_phase="masa", procedural="true", agency_name="PT MAJU JAYA"),
        record("disnaker:t2", "T1", full_name="SITI NENG", **worker, employer_name="LEE CO",
               employer_country="SG", departure_date="2024-01-05", placement_phase="pra",
               procedural="false", placement_status="berangkat", agency_licence="KEP 123/2020",
               agency_name="MAJU JAYA, PT", return_date="2025-13-01"),
        # Undated: joins the latest dated placement through the same agency; another goes undated.
        record("p3mi:t3", "T1", full_name="SITI NENG", agency_licence="KEP 123/2020", sector="domestik",
               placement_phase="pra"),
        record("p3mi:t4", "T1", full_name="SITI NENG", agency_name="PT LAIN", destination_country="HK"),
        # Two rows of one complaint: the later one's map remains (its empty type removes the type).
        record("pengaduan:t5", "T2", full_name="BUDI", complaint_id="K-9", complaint_type="gaji",
               complaint_text="baris satu,\r\nbaris dua", relation="SUAMI", related_nik=worker["nik"],
               broker_name="PAK DARTO"),
        record("pengaduan:t6", "T2", full_name="BUDI", complaint_id="K-9", complaint_text="lagi;\n\"ya\"",
               complaint_date="2023-06-01", agency_name="PT MAJU JAYA", source="pengaduan"),
        # A family card with two heads (the smaller ID is the head) and a later role that wins.
        record("dukcapil:t7", "T3", full_name="AYAH", kk_number="K1", family_role="kepala keluarga"),
        record("dukcapil:t8", "T4", full_name="PAMAN", kk_number="K1", family_role="KEPALA KELUARGA"),
        record("dukcapil:t9", "T1", full_name="SITI", kk_number="K1", family_role="ANAK", **worker),
        record("dukcapil:ta", "T2", full_name="BUDI", kk_number="K1", family_role="MENANTU"),
        record("dukcapil:tb", "T2", full_name="BUDI", kk_number="K1", family_role="SEPUPU",
               ltsa_office="LTSA KAB. INDRAMAYU", region_code="3212"),
        record("bpjs:tc", "T4", full_name="PAMAN", phone="+6281300000001", broker_phone="+6281300000001",
               broker_name="CALO", passport_number="X1", address="Jl. Mawar, RT 1", ltsa_office="..."),
    ]  # fmt: skip


def _population() -> tuple[list[dict[str, str]], set[str]]:
    rows, workers = synthetic_population(150, seed=5)
    return [*rows, *_tricky()], workers | {"T1"}


def _read(path: Path) -> pa.Table:
    """One CSV as strings, named by its header; an unquoted empty field is null."""
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    names = [f"c{i}" for i in range(len(header))]
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(skip_rows=1, column_names=names),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    ).rename_columns(header)


def _csv_files(folder: Path) -> dict[str, pa.Table]:
    """Every CSV but the LoadRun's, columns sorted, rows sorted; an unquoted empty field is null.

    The importer IDs are row numbers, which the two writers give in their own order: each is turned
    back into the node's key (the ``:ID`` column dropped, relationship ends named by key), so what is
    compared is what the importer would build."""
    files = {path.name: _read(path) for path in sorted(folder.glob("*.csv"))}
    keys: dict[str, dict[str, str]] = {}  # label -> row number -> key
    for name, table in files.items():
        if name.startswith("nodes-") and name != "nodes-LoadRun.csv":
            label = name.removeprefix("nodes-").removesuffix(".csv")
            key = f"{NODE_KEYS[label]}:string"
            keys[label] = dict(zip(table[f":ID({label})"].to_pylist(), table[key].to_pylist(), strict=True))
            files[name] = table.drop_columns([f":ID({label})"])
    tables = {}
    for name, table in files.items():
        if name == "nodes-LoadRun.csv":
            continue
        for column in table.column_names:
            if column.startswith((":START_ID(", ":END_ID(")):
                label = column.split("(")[1].rstrip(")")
                named = pa.array([keys[label][n] for n in table[column].to_pylist()], pa.string())
                table = table.set_column(table.column_names.index(column), column, named)
        table = table.select(sorted(table.column_names))
        tables[name] = table.sort_by([(c, "ascending") for c in table.column_names])
    return tables


def _both(folder: Path, linked: Path) -> tuple[Any, Any, dict[str, pa.Table], dict[str, pa.Table]]:
    linked_output = read_linked(linked)
    image, row_wise_steps = build_image(Extraction(linked_output), linked_output.run_id)
    row_wise = write_import_files(image, LOAD_RUN, folder / "rows")
    graph = build_columns(read_linked_columns(linked), folder / "cols")
    column_wise = graph.close(LOAD_RUN)
    assert graph.rows_per_step == row_wise_steps
    assert (column_wise.node_count, column_wise.relationship_count) == (
        row_wise.node_count,
        row_wise.relationship_count,
    )
    assert column_wise.multiline == row_wise.multiline
    return row_wise, column_wise, _csv_files(folder / "rows"), _csv_files(folder / "cols")


def test_column_wise_csv_equals_the_row_wise_replay(tmp_path: Path) -> None:
    rows, workers = _population()
    linked = write_linked(tmp_path / "linked", rows, workers, DECISIONS)
    _rows, columns, expected, written = _both(tmp_path, linked)
    assert sorted(written) == sorted(expected)
    for name, table in expected.items():
        assert written[name].column_names == table.column_names, name
        assert written[name].to_pylist() == table.to_pylist(), name
    # The rules were hit, not skipped: a bare employer, a repeated complaint, a decision pointing away.
    employers = expected["nodes-Employer.csv"].to_pylist()
    assert any(e["loadRun:string"] is None for e in employers)
    complaint = next(
        c for c in expected["nodes-Complaint.csv"].to_pylist() if c["complaintId:string"] == "C:K-9"
    )
    assert complaint["type:string"] is None and complaint["text:string"] == 'lagi;\n"ya"'
    assert expected["relationships-ABOUT-StewardDecision-SourceRecord.csv"].num_rows == 2
    assert columns.multiline  # the complaint's line break


def test_column_wise_refuses_an_array_element_the_csv_cannot_carry(tmp_path: Path) -> None:
    rows, workers = _population()
    rows.append(record("disnaker:z1", "T1", phone="+6281300000009", source=""))
    linked = write_linked(tmp_path / "linked", rows, workers)
    graph_error = pytest.raises(BulkCsvError, match="empty element")
    with graph_error:
        build_columns(read_linked_columns(linked), tmp_path / "csv")


def test_column_wise_reader_checks_like_read_linked(tmp_path: Path) -> None:
    with pytest.raises(LinkedInputError, match="not a folder"):
        read_linked_columns(tmp_path / "missing")
    linked = write_linked(tmp_path / "linked", [record("disnaker:1", "P1", full_name="SITI")], {"P1"})
    assert read_linked_columns(linked).run_id == read_linked(linked).run_id
    orphan = write_linked(tmp_path / "orphan", [record("disnaker:1", "P1")], {"P1"})
    (orphan / "persons.parquet").write_bytes((linked / "persons.parquet").read_bytes())
    records = write_linked(tmp_path / "other", [record("disnaker:1", "P9")], {"P9"}) / "records.parquet"
    (orphan / "records.parquet").write_bytes(records.read_bytes())
    with pytest.raises(LinkedInputError, match="absent from"):
        read_linked_columns(orphan)


def test_line_breaks_are_found_in_the_slice_written_not_beside_it() -> None:
    from graph.bulk_csv import _spans_lines

    values = pa.array(["kalimat\nbaru", "biasa", None, "baris\rlama"])
    assert _spans_lines(values)
    assert not _spans_lines(values.slice(1, 2))  # the buffer holds both breaks; the slice neither
    assert _spans_lines(values.slice(2))
    assert _spans_lines(pa.chunked_array([values.slice(1, 1), values.slice(0, 1)]))
    assert not _spans_lines(pa.array([1, 2]))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([record("disnaker:1", "P1"), record("disnaker:1", "P1")], "record_key repeated, e.g. 'disnaker:1'"),
        ([record("disnaker:1", "P1"), record("disnaker:2", "")], "1 record.* without person_id"),
    ],
)
def test_column_wise_reader_refuses_what_read_linked_refuses(
    tmp_path: Path, rows: list[dict[str, str]], message: str
) -> None:
    linked = write_linked(tmp_path / "linked", rows, {"P1"})
    with pytest.raises(LinkedInputError, match=message) as refused:
        read_linked(linked)
    with pytest.raises(LinkedInputError) as refused_too:
        read_linked_columns(linked)
    assert str(refused_too.value) == str(refused.value)


def test_a_file_the_background_writer_refuses_stops_the_build(tmp_path: Path) -> None:
    # Node files are written by a background thread; its error must surface, not vanish with it.
    g = GraphColumns(run="r", folder=tmp_path)
    g.add_nodes("Phone", pa.array(["+62811", "+62811"]), {})  # one key twice: not two nodes
    g.finish("Phone")
    with pytest.raises(BulkCsvError, match="Phone: every node needs its own e164"):
        g.close(LOAD_RUN)


def test_a_relationship_to_no_node_is_refused_not_written(tmp_path: Path) -> None:
    g = GraphColumns(run="r", folder=tmp_path)
    g.add_nodes("Phone", pa.array(["+62811"]), {})
    g.add_nodes("Person", pa.array(["P1"]), {})
    g.relate("HAS_PHONE", "Person", "Phone", pa.array(["P1"]), pa.array(["+62899"]))
    with pytest.raises(BulkCsvError, match="ends at Phone \\+62899, which is no node"):
        g.close(LOAD_RUN)
    assert not list(tmp_path.glob("relationships-*.csv"))
