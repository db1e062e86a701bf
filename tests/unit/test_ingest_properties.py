"""Property: ingest never loses a row. Whatever a CSV holds (ragged rows, quotes, delimiters and
newlines inside values, empty values, several encodings), every record ends up accepted or
quarantined exactly once, traceable by file and row number, and the report's sums agree."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from linkage.ingest import CANONICAL_FILE, QUARANTINE_FILE, REPORT_FILE, run_ingest
from linkage.ingest.columns import MissingColumnError

HEADER = ["ID", "NIK", "NAMA", "CATATAN"]
# A file saved as latin-1 but declared utf-8: rows with accents cannot be decoded.
MISLABELLED = "latin-1 declared utf-8"
ENCODINGS = {
    # encoding -> characters it can write beyond ASCII
    "utf-8": "éñü‘’–ÑçØ中",
    "latin-1": "éñüÑçØ",
    "cp1252": "éñü‘’–ÑçØ",
    MISLABELLED: "éñüÑçØ",  # none is a UTF-8 continuation byte in latin-1, so each breaks UTF-8
}
MANIFEST = """\
version = 1
[[source]]
name = "silo"
path = "silo.csv"
format = "csv"
encoding = "{encoding}"
delimiter = "{delimiter}"
record_id = "ID"
columns = {{ NIK = "nik", NAMA = "full_name", CATATAN = "address" }}
"""


@st.composite
def silo(draw: st.DrawFn) -> tuple[str, str, bool, list[list[str]]]:
    encoding = draw(st.sampled_from(sorted(ENCODINGS)))
    delimiter = draw(st.sampled_from([",", ";", "|", "\t"]))
    alphabet = st.sampled_from(list("abc XY01 ,;|\"\n\r\t'") + list(ENCODINGS[encoding]))
    value = st.one_of(st.just(""), st.just(" "), st.text(alphabet, max_size=8))
    well_formed = st.lists(value, min_size=len(HEADER), max_size=len(HEADER))
    ragged = st.lists(value, min_size=0, max_size=len(HEADER) + 2).filter(lambda r: len(r) != len(HEADER))
    rows = draw(st.lists(st.one_of(well_formed, well_formed, ragged), max_size=12))
    bom = encoding == "utf-8" and draw(st.booleans())
    return encoding, delimiter, bom, rows


def expected_outcome(row: list[str], encoding: str) -> str:
    """What ingest must do with one written row."""
    if encoding == MISLABELLED and len(row) == len(HEADER) and not "".join(row).isascii():
        return "encoding_error"
    if len(row) == 0 or (len(row) == len(HEADER) and all(v == "" for v in row)):
        return "blank"
    if len(row) == 1 and row[0] == "" and len(HEADER) > 1:
        return "ragged_row"  # csv writes a lone empty field as "" so it is a one-field row
    if len(row) != len(HEADER):
        return "ragged_row"
    if row[1].strip() == "" and row[2].strip() == "":
        return "no_identity"
    return "accepted"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(silo())
def test_every_row_is_accepted_or_quarantined_exactly_once(
    case: tuple[str, str, bool, list[list[str]]],
) -> None:
    encoding, delimiter, bom, rows = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        content = buffer.getvalue().encode("latin-1" if encoding == MISLABELLED else encoding)
        (root / "silo.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + content)
        manifest = root / "manifest.toml"
        escaped = delimiter.replace("\t", "\\t")
        declared = "utf-8" if encoding == MISLABELLED else encoding
        manifest.write_text(MANIFEST.format(encoding=declared, delimiter=escaped), encoding="utf-8")

        report = run_ingest(manifest, root / "out")
        canonical = pd.read_parquet(root / "out" / CANONICAL_FILE)
        quarantine = pd.read_parquet(root / "out" / QUARANTINE_FILE)
        written = json.loads((root / "out" / REPORT_FILE).read_text(encoding="utf-8"))

    # The header is row 1; the i-th written row is row i + 2 of the file.
    expected = {number: expected_outcome(row, encoding) for number, row in enumerate(rows, start=2)}
    outcome = {int(n): "accepted" for n in canonical["row_number"]}
    for number, reason in zip(quarantine["row_number"], quarantine["reason"], strict=True):
        assert int(number) not in outcome, f"row {number} both accepted and quarantined"
        outcome[int(number)] = str(reason)
    assert len(outcome) == len(canonical) + len(quarantine), "a row number appears twice"
    assert outcome == {n: o for n, o in expected.items() if o != "blank"}

    [source] = report.sources
    assert source.read == source.accepted + source.quarantined == len(outcome)
    assert source.blank_rows == sum(o == "blank" for o in expected.values())
    assert written["totals"]["read"] == source.read
    assert canonical["record_key"].is_unique
    assert set(canonical["file"]) <= {"silo.csv"} and set(quarantine["file"]) <= {"silo.csv"}
    # Raw values survive byte for byte (trimmed), whatever the encoding.
    for _, record in canonical.iterrows():
        row = rows[int(record["row_number"]) - 2]
        assert (record["raw_nik"], record["raw_full_name"]) == (row[1].strip(), row[2].strip())


JSONL_MANIFEST = """\
version = 1
[[source]]
name = "jsonl"
path = "silo.jsonl"
format = "jsonl"
record_id = "id"
columns = { nik = "nik", nama = "full_name" }
"""

json_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(st.sampled_from([*'ab "\\{}:,\n', "é", "中"]), max_size=6),
)
json_fields = {"id": json_value, "nik": json_value, "nama": json_value}
json_line = st.one_of(
    st.fixed_dictionaries(json_fields).map(json.dumps),
    st.fixed_dictionaries({}, optional=json_fields).map(json.dumps),
    st.lists(json_value, max_size=2).map(json.dumps),  # valid JSON, not an object
    st.text(st.sampled_from(list('{}[]":,ab ')), max_size=8),  # mostly not JSON
)


def _parsed(line: str) -> object:
    try:
        return json.loads(line)
    except ValueError:
        return ValueError


def expected_jsonl_outcome(line: str) -> str:
    if not line.strip():
        return "blank"
    value = _parsed(line)
    if not isinstance(value, dict):
        return "invalid_json"
    texts = {k: "" if v is None else str(v) for k, v in value.items()}
    if not any(texts.values()):
        return "blank"
    if not texts.get("nik", "").strip() and not texts.get("nama", "").strip():
        return "no_identity"
    return "accepted"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(json_line, max_size=10))
def test_every_json_line_is_accepted_or_quarantined_exactly_once(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "silo.jsonl").write_text(
            "".join(line.replace("\n", " ") + "\n" for line in lines), encoding="utf-8"
        )
        (root / "manifest.toml").write_text(JSONL_MANIFEST, encoding="utf-8")
        parsed = (_parsed(line.replace("\n", " ")) for line in lines)
        keys = {key for value in parsed if isinstance(value, dict) for key in value}
        if keys and not {"id", "nik", "nama"} <= keys:
            # A key no line of the source has is a manifest error (most likely a misspelling).
            with pytest.raises(MissingColumnError):
                run_ingest(root / "manifest.toml", root / "out")
            event("a needed key on no line")
            return
        report = run_ingest(root / "manifest.toml", root / "out")
        canonical = pd.read_parquet(root / "out" / CANONICAL_FILE)
        quarantine = pd.read_parquet(root / "out" / QUARANTINE_FILE)

    expected = {n: expected_jsonl_outcome(line.replace("\n", " ")) for n, line in enumerate(lines, start=1)}
    outcome = {int(n): "accepted" for n in canonical["row_number"]}
    outcome.update(
        {int(n): str(r) for n, r in zip(quarantine["row_number"], quarantine["reason"], strict=True)}
    )
    assert len(outcome) == len(canonical) + len(quarantine)
    assert outcome == {n: o for n, o in expected.items() if o != "blank"}
    [source] = report.sources
    assert source.read == source.accepted + source.quarantined == len(outcome)
