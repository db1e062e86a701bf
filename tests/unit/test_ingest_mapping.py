"""Mapping, record keys, flags and the row-accounting check, on small frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from linkage.ingest.columns import MissingColumnError, check_columns
from linkage.ingest.flags import count_flags, join_flags
from linkage.ingest.mapping import map_rows
from linkage.ingest.raw_table import RawTable, stack_tables
from linkage.ingest.record_keys import assign_record_keys
from linkage.ingest.report import RowAccountingError, SourceReport
from linkage.ingest.xlsx_reader import NotAWorkbookError, SheetNotFoundError, read_xlsx
from linkage.manifest import SourceSpec, SplitSpec


def table(columns: dict[str, list[str]], numeric: dict[str, list[bool]] | None = None) -> RawTable:
    cells = pd.DataFrame(columns, dtype=object)
    return RawTable(
        header=list(columns),
        cells=cells,
        row_numbers=np.arange(2, 2 + len(cells), dtype=np.int64),
        numeric_cells=None if numeric is None else pd.DataFrame(numeric, dtype=bool),
    )


def spec(**options: object) -> SourceSpec:
    return SourceSpec(name="src", path="f.csv", format="csv", line=3, **options)  # type: ignore[arg-type]


def test_split_takes_the_last_piece_and_flags_missing_separators() -> None:
    rows = table({"TTL": ["KAB. INDRAMAYU, JABAR, 12-05-1990", " CIREBON ,01-01-1985", "SUBANG", ""]})
    split = SplitSpec("TTL", ("birth_place", "birth_date"), ",")
    mapped = map_rows(spec(split=(split,)), rows)
    assert mapped.raw["birth_place"].tolist() == ["KAB. INDRAMAYU, JABAR", "CIREBON", "SUBANG", ""]
    assert mapped.raw["birth_date"].tolist() == ["12-05-1990", "01-01-1985", "", ""]
    assert mapped.flags.tolist() == ["", "", "split_incomplete", ""]


def test_split_separator_is_literal_text() -> None:
    rows = table({"TTL": ["SUBANG|12.05.1990", "SUBANG.X"]})
    split = SplitSpec("TTL", ("birth_place", "birth_date"), "|")
    mapped = map_rows(spec(split=(split,)), rows)
    assert mapped.raw["birth_date"].tolist() == ["12.05.1990", ""]
    assert mapped.flags.tolist() == ["", "split_incomplete"]


def test_value_maps_apply_to_cleaned_values_only_and_ignore_case() -> None:
    rows = table({"JK": ["pr", " LK ", "Wanita", "X"], "NAMA": ["a", "b", "c", "d"]})
    mapped = map_rows(
        spec(
            columns={"JK": "sex", "NAMA": "full_name"}, values={"sex": {"pr": "P", "lk": "L", "wanita": "P"}}
        ),
        rows,
    )
    assert mapped.cleaned["sex"].tolist() == ["P", "L", "P", "X"]
    assert mapped.raw["sex"].tolist() == ["pr", "LK", "Wanita", "X"]


def test_constants_fill_every_row() -> None:
    mapped = map_rows(
        spec(columns={"NAMA": "full_name"}, constants={"placement_phase": "pra"}), table({"NAMA": ["a", "b"]})
    )
    assert mapped.cleaned["placement_phase"].tolist() == ["pra", "pra"]


def test_excel_number_flag_only_for_long_numeric_ids_ending_in_zero() -> None:
    rows = table(
        {"NIK": ["3212345505900010", "3212345505900011", "3212345505900010", "1230"]},
        numeric={"NIK": [True, True, False, True]},
    )
    mapped = map_rows(spec(columns={"NIK": "nik"}), rows)
    assert mapped.flags.tolist() == ["nik_excel_number", "", "", ""]


def test_record_keys_number_repeats_in_file_order_and_flag_every_repeat() -> None:
    ids = pd.Series(["A", "B", "A", " ", "A", "A~2"])
    files = pd.Series(["f.csv"] * 6)
    rows = pd.Series(range(2, 8))
    keys = assign_record_keys("src", ids, files, rows, per_file=False)
    assert keys.record_id.tolist() == ["A", "B", "A", "5", "A", "A~2"]
    assert keys.record_key.is_unique
    assert keys.record_key.tolist()[:5] == ["src:A", "src:B", "src:A~2", "src:5", "src:A~3"]
    assert keys.flags.tolist() == [
        "record_id_duplicate",
        "",
        "record_id_duplicate",
        "record_id_missing",
        "record_id_duplicate",
        "",
    ]


def test_record_keys_without_id_column_use_row_or_file_and_row() -> None:
    files = pd.Series(["a.csv", "b.csv"])
    rows = pd.Series([2, 2])
    assert assign_record_keys("s", None, files, rows, per_file=True).record_key.tolist() == [
        "s:a.csv:2",
        "s:b.csv:2",
    ]
    single = assign_record_keys("s", None, pd.Series(["a.csv"]), pd.Series([9]), per_file=False)
    assert (single.record_key.tolist(), single.flags.tolist()) == (["s:9"], [""])


def test_flags_join_and_count() -> None:
    index = pd.RangeIndex(3)
    joined = join_flags(index, [pd.Series(["a", "", "a"]), pd.Series(["", "", "b"])])
    assert joined.tolist() == ["a", "", "a|b"]
    assert count_flags(joined) == {"a": 2, "b": 1}


def test_repeated_header_column_used_by_the_manifest_is_an_error() -> None:
    with pytest.raises(MissingColumnError, match="'NIK' appears more than once"):
        check_columns(spec(columns={"NIK": "nik"}), "f.csv", ["NIK", "NIK~2"])
    check_columns(spec(columns={"NAMA": "full_name"}), "f.csv", ["NAMA", "NIK", "NIK~2"])


def test_stack_tables_keeps_file_order_and_numeric_marks() -> None:
    first = table({"NIK": ["1"], "NAMA": ["a"]}, numeric={"NIK": [True], "NAMA": [False]})
    second = table({"NAMA": ["b"], "NIK": ["2"]})
    stacked = stack_tables([first, RawTable.empty(), second])
    assert stacked.cells[["NIK", "NAMA"]].values.tolist() == [["1", "a"], ["2", "b"]]
    assert stacked.row_numbers.tolist() == [2, 2]
    assert stacked.numeric_cells is not None
    assert stacked.numeric_cells["NIK"].tolist() == [True, False]


def test_row_accounting_check_catches_a_lost_row() -> None:
    report = SourceReport(source="s", read=3, accepted=2, quarantined=1, quarantine_reasons={"ragged_row": 1})
    report.check()
    report.accepted = 1
    with pytest.raises(RowAccountingError, match="read 3 rows but accepted 1"):
        report.check()


def test_missing_sheet_names_the_sheets(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.active.title = "Data"
    workbook.save(tmp_path / "a.xlsx")
    xlsx = SourceSpec(name="s", path="a.xlsx", format="xlsx", line=1, sheet="Dta", columns={"A": "nik"})
    with pytest.raises(SheetNotFoundError, match=r"sheet 'Dta' not found .*sheets: Data"):
        read_xlsx(tmp_path / "a.xlsx", xlsx)


def test_a_csv_named_xlsx_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_text("NIK,NAMA\n1,Siti\n", encoding="utf-8")
    xlsx = SourceSpec(name="s", path="a.xlsx", format="xlsx", line=1, columns={"NIK": "nik"})
    with pytest.raises(NotAWorkbookError, match=r"a.xlsx: not a readable .xlsx workbook \(source 's'\)"):
        read_xlsx(tmp_path / "a.xlsx", xlsx)
