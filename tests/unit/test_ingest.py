"""End-to-end ingest: manifest + silo files in, canonical / quarantine / report out, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from linkage.canonical import COLUMNS
from linkage.ingest import CANONICAL_FILE, QUARANTINE_FILE, REPORT_FILE, SourceFileError, run_ingest
from linkage.ingest.columns import MissingColumnError
from linkage.ingest.files import NoFilesError
from ltsa.cli import app

DISNAKER = """\
version = 1

[[source]]
name = "disnaker"
path = "disnaker.csv"
format = "csv"
delimiter = ";"
encoding = "{encoding}"
record_id = "NO_REG"
trust = 0.6

  [source.columns]
  NIK = "nik"
  "NAMA LENGKAP" = "full_name"
  JK = "sex"
  NEGARA = "destination_country"

  [source.split]
  "TEMPAT/TGL LAHIR" = {{ fields = ["birth_place", "birth_date"], separator = "," }}

  [source.values.sex]
  PR = "P"
  lk = "L"

  [source.dates]
  birth_date = ["%d-%m-%Y"]

  [source.constants]
  placement_phase = "pra"
"""

DISNAKER_ROWS = (
    "NO_REG;NIK;NAMA LENGKAP;TEMPAT/TGL LAHIR;JK;NEGARA\r\n"
    'A1;3212345505900001;Siti Aminah;"KAB. INDRAMAYU, JAWA BARAT, 12-05-1990";PR;HONGKONG\r\n'
    "A2;1.80213E+15;Budi Santoso;CIREBON,01-01-1985;lk;TAIWAN\r\n"
    "A2;'3212340101850003;Budi S;CIREBON;LK;TAIWAN\r\n"
    "A3;;;INDRAMAYU,01-01-1980;PR;\r\n"
    "A4;3212345505900004;Dewi\r\n"
    "A5;;Désirée Ñ;SUBANG,02-02-1992;PR;MALAYSIA\r\n"
)


def write_silo(tmp_path: Path, encoding: str = "utf-8", bom: bool = False) -> Path:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(DISNAKER.format(encoding=encoding), encoding="utf-8")
    data = DISNAKER_ROWS.encode(encoding)
    (tmp_path / "disnaker.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return manifest


def outputs(out: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object]]:
    report = json.loads((out / REPORT_FILE).read_text(encoding="utf-8"))
    return pd.read_parquet(out / CANONICAL_FILE), pd.read_parquet(out / QUARANTINE_FILE), report


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False), ("latin-1", False)])
def test_csv_source_end_to_end(tmp_path: Path, encoding: str, bom: bool) -> None:
    out = tmp_path / "out"
    report = run_ingest(write_silo(tmp_path, encoding, bom), out)
    canonical, quarantine, written = outputs(out)

    assert tuple(canonical.columns) == COLUMNS
    assert canonical["row_number"].dtype == "int64"
    assert canonical["record_key"].tolist() == ["disnaker:A1", "disnaker:A2", "disnaker:A2~2", "disnaker:A5"]
    assert canonical["record_id"].tolist() == ["A1", "A2", "A2", "A5"]
    assert canonical["row_number"].tolist() == [2, 3, 4, 7]
    assert set(canonical["file"]) == {"disnaker.csv"}
    assert canonical["file_sha256"].str.fullmatch("[0-9a-f]{64}").all()
    assert set(canonical["source"]) == {"disnaker"}

    first = canonical.iloc[0]
    # The split keeps commas in the place and takes the date after the last one.
    assert first["raw_birth_place"] == "KAB. INDRAMAYU, JAWA BARAT"
    assert (first["raw_birth_date"], first["birth_date"]) == ("12-05-1990", "1990-05-12")
    assert (first["raw_sex"], first["sex"]) == ("PR", "P")
    assert first["placement_phase"] == "pra"
    assert first["destination_country"] == "HK"

    mangled = canonical.iloc[1]
    assert mangled["raw_nik"] == "1.80213E+15"  # kept raw, flagged, never quarantined
    assert "nik_excel_mangled" in mangled["flags"].split("|")
    assert "record_id_duplicate" in mangled["flags"].split("|")
    apostrophe = canonical.iloc[2]
    assert (apostrophe["raw_nik"], apostrophe["nik"]) == ("'3212340101850003", "3212340101850003")
    assert {"record_id_duplicate", "split_incomplete"} <= set(apostrophe["flags"].split("|"))
    assert apostrophe["raw_birth_place"] == "CIREBON"
    assert canonical.iloc[3]["raw_full_name"] == "Désirée Ñ"

    assert quarantine[["row_number", "reason"]].values.tolist() == [[5, "no_identity"], [6, "ragged_row"]]
    assert json.loads(quarantine.iloc[0]["raw_row"])["NO_REG"] == "A3"
    assert json.loads(quarantine.iloc[1]["raw_row"]) == ["A4", "3212345505900004", "Dewi"]

    [source] = report.sources
    assert (source.read, source.accepted, source.quarantined) == (6, 4, 2)
    assert source.quarantine_reasons == {"no_identity": 1, "ragged_row": 1}
    assert source.flags["record_id_duplicate"] == 2
    assert written == report.to_dict()


def test_rerun_replaces_outputs_and_never_duplicates(tmp_path: Path) -> None:
    manifest = write_silo(tmp_path)
    out = tmp_path / "out"
    run_ingest(manifest, out)
    first = outputs(out)
    run_ingest(manifest, out)
    second = outputs(out)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])
    assert first[2] == second[2]
    assert sorted(p.name for p in out.iterdir()) == sorted([CANONICAL_FILE, QUARANTINE_FILE, REPORT_FILE])


def test_failed_rerun_leaves_previous_outputs_whole(tmp_path: Path) -> None:
    manifest = write_silo(tmp_path)
    out = tmp_path / "out"
    run_ingest(manifest, out)
    before = outputs(out)
    (tmp_path / "disnaker.csv").write_text("NO_REG;NIK\r\nA1;1\r\n", encoding="utf-8")
    with pytest.raises(MissingColumnError):
        run_ingest(manifest, out)
    pd.testing.assert_frame_equal(before[0], outputs(out)[0])


def test_misspelt_column_names_file_column_and_closest(tmp_path: Path) -> None:
    manifest = write_silo(tmp_path)
    text = DISNAKER_ROWS.replace("NAMA LENGKAP", "NAMA_LENGKAP")
    (tmp_path / "disnaker.csv").write_text(text, encoding="utf-8")
    with pytest.raises(MissingColumnError) as caught:
        run_ingest(manifest, tmp_path / "out")
    message = str(caught.value)
    assert message.startswith("disnaker.csv: column 'NAMA LENGKAP' not found")
    assert "closest existing column: 'NAMA_LENGKAP'" in message


def test_glob_sources_empty_files_and_keys_per_file(tmp_path: Path) -> None:
    (tmp_path / "p3mi").mkdir()
    (tmp_path / "p3mi" / "a.csv").write_text("NIK,NAMA\n3212345505900001,Siti\n", encoding="utf-8")
    (tmp_path / "p3mi" / "b.csv").write_bytes(b"")
    (tmp_path / "p3mi" / "c.csv").write_text("NIK,NAMA\n3212345505900004,Ani\n", encoding="utf-8")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        'version = 1\n[[source]]\nname = "p3mi"\npath = "p3mi/*.csv"\nformat = "csv"\n'
        'columns = { NIK = "nik", NAMA = "full_name" }\n',
        encoding="utf-8",
    )
    report = run_ingest(manifest, tmp_path / "out")
    canonical, _, _ = outputs(tmp_path / "out")
    assert canonical["record_key"].tolist() == ["p3mi:p3mi/a.csv:2", "p3mi:p3mi/c.csv:2"]
    assert report.sources[0].files == ["p3mi/a.csv", "p3mi/b.csv", "p3mi/c.csv"]
    assert (report.sources[0].read, report.sources[0].accepted) == (2, 2)


def test_path_matching_nothing_is_an_error_naming_the_manifest_line(tmp_path: Path) -> None:
    manifest = write_silo(tmp_path)
    (tmp_path / "disnaker.csv").unlink()
    with pytest.raises(NoFilesError, match=r"manifest.toml:3: source 'disnaker' path 'disnaker.csv'"):
        run_ingest(manifest, tmp_path / "out")


def test_jsonl_and_xlsx_sources_with_excel_numbers(tmp_path: Path) -> None:
    (tmp_path / "bpjs.jsonl").write_text(
        '{"id": 7, "nik": 3212345505900001, "nama": "Siti"}\n{"id": 8, "nama": "Budi"}\n{"id": 9}\n',
        encoding="utf-8",
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["DAFTAR KEBERANGKATAN"])
    sheet.append(["No. KTP", "Nama CPMI", "Tgl Berangkat"])
    sheet.append([3212345505900010, "Siti", "2025-01-02"])
    sheet.append([3212345505900001, "Budi", None])
    sheet.append(["3212345505900003", "Ani", None])
    sheet.append([9471012345678901.0, "Dewi", None])  # beyond 2**53: a float cannot hold this NIK
    workbook.save(tmp_path / "p3mi.xlsx")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        'version = 1\n[[source]]\nname = "bpjs"\npath = "bpjs.jsonl"\nformat = "jsonl"\nrecord_id = "id"\n'
        'columns = { nik = "nik", nama = "full_name" }\n'
        '[[source]]\nname = "p3mi"\npath = "p3mi.xlsx"\nformat = "xlsx"\nheader_row = 2\n'
        'columns = { "No. KTP" = "nik", "Nama CPMI" = "full_name", "Tgl Berangkat" = "departure_date" }\n',
        encoding="utf-8",
    )
    report = run_ingest(manifest, tmp_path / "out")
    canonical, quarantine, _ = outputs(tmp_path / "out")
    bpjs = canonical[canonical["source"] == "bpjs"]
    assert bpjs["record_key"].tolist() == ["bpjs:7", "bpjs:8"]
    assert bpjs["raw_nik"].tolist() == ["3212345505900001", ""]
    p3mi = canonical[canonical["source"] == "p3mi"]
    assert p3mi["record_key"].tolist() == ["p3mi:3", "p3mi:4", "p3mi:5", "p3mi:6"]
    assert p3mi["raw_nik"].tolist()[:3] == ["3212345505900010", "3212345505900001", "3212345505900003"]
    assert p3mi["raw_nik"].tolist()[3] == "9471012345678900"  # the digits the workbook kept
    # A stored number of 16 digits ending in 0 may have lost its last digit (the last one did);
    # text and numbers ending otherwise are intact.
    assert ["nik_excel_number" in f.split("|") for f in p3mi["flags"]] == [True, False, False, True]
    assert p3mi["departure_date"].tolist()[0] == "2025-01-02"
    assert quarantine[["source", "row_number", "reason"]].values.tolist() == [["bpjs", 3, "no_identity"]]
    assert [(s.read, s.accepted, s.quarantined) for s in report.sources] == [(3, 2, 1), (4, 4, 0)]


def test_cli_prints_report_and_reports_errors(tmp_path: Path) -> None:
    manifest = write_silo(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(manifest), "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"] == {"read": 6, "accepted": 4, "quarantined": 2}
    table = runner.invoke(app, ["ingest", str(manifest), "--out", str(tmp_path / "out")])
    assert table.exit_code == 0 and "disnaker" in table.stdout
    manifest.write_text(
        DISNAKER.format(encoding="utf-8").replace('"full_name"', '"fullname"'), encoding="utf-8"
    )
    failed = runner.invoke(app, ["ingest", str(manifest), "--out", str(tmp_path / "out")])
    assert failed.exit_code == 2
    assert "unknown canonical field 'fullname' (did you mean 'full_name'?)" in failed.output


def test_source_file_errors_share_one_base() -> None:
    assert issubclass(MissingColumnError, SourceFileError)
    assert issubclass(NoFilesError, SourceFileError)


def test_jsonl_keys_count_as_present_when_any_line_of_the_source_has_them(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"nama": "Siti"}\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"nama": "Budi", "paspor": "C1234567"}\n', encoding="utf-8")
    manifest = tmp_path / "manifest.toml"
    source = 'version = 1\n[[source]]\nname = "kemlu"\npath = "*.jsonl"\nformat = "jsonl"\n'
    manifest.write_text(
        source + 'columns = { nama = "full_name", paspor = "passport_number" }\n', encoding="utf-8"
    )
    run_ingest(manifest, tmp_path / "out")
    canonical, _, _ = outputs(tmp_path / "out")
    assert canonical["raw_passport_number"].tolist() == ["", "C1234567"]
    manifest.write_text(
        source + 'columns = { nama = "full_name", pasport = "passport_number" }\n', encoding="utf-8"
    )
    with pytest.raises(
        MissingColumnError, match=r"column 'pasport' not found .*closest existing column: 'paspor'"
    ):
        run_ingest(manifest, tmp_path / "out")


def test_absolute_glob_outside_the_manifest_folder(tmp_path: Path) -> None:
    silo = tmp_path / "elsewhere"
    silo.mkdir()
    (silo / "x.csv").write_text("NIK,NAMA\n3212345505900001,Siti\n", encoding="utf-8")
    (tmp_path / "conf").mkdir()
    manifest = tmp_path / "conf" / "manifest.toml"
    manifest.write_text(
        f'version = 1\n[[source]]\nname = "s"\npath = "{silo.as_posix()}/*.csv"\nformat = "csv"\n'
        'columns = { NIK = "nik", NAMA = "full_name" }\n',
        encoding="utf-8",
    )
    report = run_ingest(manifest, tmp_path / "out")
    canonical, _, written = outputs(tmp_path / "out")
    assert canonical["file"].tolist() == [(silo / "x.csv").as_posix()]
    assert Path(str(written["manifest"])).is_absolute() and report.manifest == str(manifest.resolve())
