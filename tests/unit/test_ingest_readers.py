"""Format readers: every cell as text, row numbers where the row sits in the file, bad rows rejected."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from linkage.ingest.csv_reader import read_csv
from linkage.ingest.errors import EmptyHeaderError
from linkage.ingest.jsonl_reader import read_jsonl
from linkage.ingest.xlsx_reader import read_xlsx
from linkage.manifest import SourceSpec


def spec(fmt: str = "csv", **options: object) -> SourceSpec:
    return SourceSpec(name="s", path="f", format=fmt, line=1, columns={"NIK": "nik"}, **options)  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_csv_cells_are_text_and_keep_leading_zeros(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"NIK,HP,NO\n3212345505900001,081234567890,007\n")
    table = read_csv(path, spec())
    assert table.header == ["NIK", "HP", "NO"]
    assert table.cells.iloc[0].tolist() == ["3212345505900001", "081234567890", "007"]
    assert table.row_numbers.tolist() == [2]


def test_csv_utf8_bom_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "\ufeffNIK;NAMA\n1;Siti\n".encode())
    assert read_csv(path, spec(delimiter=";")).header == ["NIK", "NAMA"]


def test_csv_latin1_and_cp1252(tmp_path: Path) -> None:
    latin = write(tmp_path, "l.csv", "NIK,NAMA\n1,Désirée\n".encode("latin-1"))
    assert read_csv(latin, spec(encoding="latin-1")).cells["NAMA"].tolist() == ["Désirée"]
    windows = write(tmp_path, "w.csv", "NIK,NAMA\n1,‘Aisyah’ – Né\n".encode("cp1252"))
    assert read_csv(windows, spec(encoding="cp1252")).cells["NAMA"].tolist() == ["‘Aisyah’ – Né"]


def test_csv_rows_not_valid_in_the_encoding_are_rejected_not_dropped(tmp_path: Path) -> None:
    content = "NIK,NAMA\n1,Siti\n2,Dés\n3,Ani\n".encode().replace("Dés".encode(), "Dés".encode("latin-1"))
    table = read_csv(write(tmp_path, "a.csv", content), spec())
    assert table.cells["NIK"].tolist() == ["1", "3"]
    assert table.row_numbers.tolist() == [2, 4]
    [rejection] = table.rejections
    assert (rejection.row_number, rejection.reason) == (3, "encoding_error")
    assert json.loads(rejection.raw)["NAMA"] == "D\\xe9s"


def test_csv_ragged_rows_are_rejected_with_their_fields_and_numbers_stay_true(tmp_path: Path) -> None:
    content = b'NIK,NAMA,HP\n1,"Siti\nAminah",0812\n2,Budi\n\n3,Ani,0813,extra\n4,Dewi,0814\n'
    table = read_csv(write(tmp_path, "a.csv", content), spec())
    assert table.cells["NIK"].tolist() == ["1", "4"]
    assert table.cells["NAMA"].tolist() == ["Siti\nAminah", "Dewi"]
    # Row 2 spans two lines but is one row; row 4 is blank; rows 3 and 5 are ragged.
    assert table.row_numbers.tolist() == [2, 6]
    assert [(r.row_number, r.reason) for r in table.rejections] == [(3, "ragged_row"), (5, "ragged_row")]
    assert json.loads(table.rejections[1].raw) == ["3", "Ani", "0813", "extra"]
    assert table.blank_rows == 1


def test_csv_header_row_below_title_lines(tmp_path: Path) -> None:
    content = b"DATA CPMI 2025\n\nNIK,NAMA\n1,Siti\n2,Budi\n"
    table = read_csv(write(tmp_path, "a.csv", content), spec(header_row=3))
    assert table.header == ["NIK", "NAMA"]
    assert table.row_numbers.tolist() == [4, 5]


def test_csv_empty_and_header_only_files_have_no_rows(tmp_path: Path) -> None:
    empty = read_csv(write(tmp_path, "e.csv", b""), spec())
    assert (empty.header, len(empty.cells), empty.rejections) == ([], 0, [])
    header_only = read_csv(write(tmp_path, "h.csv", b"NIK,NAMA\r\n"), spec())
    assert (header_only.header, len(header_only.cells)) == (["NIK", "NAMA"], 0)


def test_an_empty_header_row_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"\nNIK,NAMA\n1,Siti\n")
    with pytest.raises(EmptyHeaderError, match=r"a.csv: row 1 \(header_row of source 's'\) is empty"):
        read_csv(path, spec())
    assert read_csv(path, spec(header_row=2)).header == ["NIK", "NAMA"]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=2, column=1, value="NIK")
    sheet.cell(row=3, column=1, value="1")
    book.save(tmp_path / "a.xlsx")
    with pytest.raises(EmptyHeaderError, match="row 1"):
        read_xlsx(tmp_path / "a.xlsx", spec("xlsx"))
    assert read_xlsx(tmp_path / "a.xlsx", spec("xlsx", header_row=2)).cells["NIK"].tolist() == ["1"]


def test_csv_without_quoting_and_repeated_header_names(tmp_path: Path) -> None:
    content = b'NIK;NAMA;NAMA\n1;"Siti;x\n'
    table = read_csv(write(tmp_path, "a.csv", content), spec(delimiter=";", quotechar=""))
    assert table.header == ["NIK", "NAMA", "NAMA~2"]
    assert table.cells.iloc[0].tolist() == ["1", '"Siti', "x"]


def test_jsonl_numbers_stay_as_written(tmp_path: Path) -> None:
    content = (
        b'{"nik": 3212345505900001, "nama": "Siti", "gaji": 1.50, "aktif": true, "x": null, "a": [1]}\n'
        b"\n"
        b"not json\n"
        b'"a string"\n'
        b'{"nik": "0012", "extra": "late key"}\n'
    )
    table = read_jsonl(write(tmp_path, "a.jsonl", content), spec("jsonl"))
    assert table.cells.iloc[0][["nik", "gaji", "aktif", "x", "a", "extra"]].tolist() == [
        "3212345505900001",
        "1.50",
        "true",
        "",
        "[1]",
        "",
    ]
    assert table.cells.iloc[1]["nik"] == "0012"
    assert table.row_numbers.tolist() == [1, 5]
    assert [(r.row_number, r.reason) for r in table.rejections] == [(3, "invalid_json"), (4, "invalid_json")]
    assert table.blank_rows == 1


def make_workbook(path: Path, rows: list[list[object]], title_rows: int = 0) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data"
    for _ in range(title_rows):
        sheet.append(["LAPORAN"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def test_xlsx_numbers_become_exact_digit_text_and_are_marked(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "a.xlsx"
    make_workbook(
        path,
        [
            ["NIK", "NAMA", "TGL"],
            [3212345505900001, "Siti", dt.datetime(1990, 5, 12)],
            [3212345505900010.0, "Budi", None],
            ["'3212345505900002", "Ani", "12-05-1990"],
            [None, None, None],
            ["1", "Dewi", None, "stray"],
        ],
        title_rows=2,
    )
    table = read_xlsx(path, spec("xlsx", header_row=3, sheet="Data"))
    assert table.cells["NIK"].tolist() == ["3212345505900001", "3212345505900010", "'3212345505900002"]
    assert table.cells["TGL"].tolist() == ["1990-05-12", "", "12-05-1990"]
    assert table.numeric_cells is not None
    assert table.numeric_cells["NIK"].tolist() == [True, True, False]
    assert table.row_numbers.tolist() == [4, 5, 6]
    assert table.blank_rows == 1
    assert [(r.row_number, r.reason) for r in table.rejections] == [(8, "ragged_row")]
