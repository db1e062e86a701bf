"""Manifest loading: the documented format loads, and every error names the line and key at fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linkage.manifest import ManifestError, SplitSpec, load_manifest

DOCS = Path(__file__).resolve().parents[2] / "docs" / "sources.md"

MINIMAL = """\
version = 1

[[source]]
name = "disnaker"
path = "a.csv"
format = "csv"

  [source.columns]
  NIK = "nik"
  NAMA = "full_name"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "manifest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        load_manifest(write(tmp_path, text))
    return caught.value


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_every_toml_example_in_the_docs_loads(tmp_path: Path) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert blocks, "docs/sources.md has no TOML example"
    for block in blocks:
        manifest = load_manifest(write(tmp_path, block))
        assert manifest.sources


def test_documented_keys_are_read_with_their_meaning(tmp_path: Path) -> None:
    options = 'delimiter = ";"\nencoding = "cp1252"\nrecord_id = "NO_REG"\ntrust = 0.8\nquotechar = ""'
    text = MINIMAL.replace('format = "csv"', f'format = "csv"\n{options}') + (
        "  [source.split]\n"
        '  "TEMPAT/TGL LAHIR" = { fields = ["birth_place", "birth_date"], separator = "," }\n'
        '  [source.values.sex]\n  "Wanita " = "P"\n'
        '  [source.dates]\n  birth_date = ["%d-%m-%Y"]\n'
        '  [source.constants]\n  placement_phase = "pra"\n'
    )
    spec = load_manifest(write(tmp_path, text)).sources[0]
    assert (spec.delimiter, spec.encoding, spec.record_id, spec.trust, spec.quotechar) == (
        ";",
        "cp1252",
        "NO_REG",
        0.8,
        "",
    )
    assert spec.columns == {"NIK": "nik", "NAMA": "full_name"}
    assert spec.split == (SplitSpec("TEMPAT/TGL LAHIR", ("birth_place", "birth_date"), ","),)
    assert spec.values == {"sex": {"wanita": "P"}}  # keys match case- and space-insensitively
    assert spec.dates == {"birth_date": ("%d-%m-%Y",)}
    assert spec.constants == {"placement_phase": "pra"}
    assert spec.source_columns() == ("NO_REG", "NIK", "NAMA", "TEMPAT/TGL LAHIR")
    assert spec.line == 3


def test_unknown_canonical_field_names_line_key_and_suggestion(tmp_path: Path) -> None:
    text = MINIMAL.replace('NAMA = "full_name"', 'NAMA = "fullname"')
    error = error_of(tmp_path, text)
    assert str(error) == (
        f"{tmp_path / 'manifest.toml'}:{line_of(text, 'fullname')}: source 'disnaker' "
        "columns.\"NAMA\": unknown canonical field 'fullname' (did you mean 'full_name'?)"
    )


def test_syntax_error_gives_tomllib_position(tmp_path: Path) -> None:
    text = MINIMAL.replace('NIK = "nik"', 'NIK = "nik')
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, 'NIK = "nik')
    assert "TOML syntax error" in str(error)


def test_missing_required_key_points_at_the_source_header(tmp_path: Path) -> None:
    text = MINIMAL + '\n[[source]]\nname = "bpjs"\nformat = "jsonl"\ncolumns = { nik = "nik" }\n'
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, 'name = "bpjs"') - 1
    assert "missing required key 'path'" in str(error)


def test_misspelt_source_key_is_suggested(tmp_path: Path) -> None:
    text = MINIMAL.replace('format = "csv"', 'format = "csv"\ndelimeter = ";"')
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, "delimeter")
    assert "unknown key 'delimeter' (did you mean 'delimiter'?)" in str(error)


def test_inline_table_keys_are_located(tmp_path: Path) -> None:
    text = (
        'version = 1\n[[source]]\nname = "a"\npath = "a.jsonl"\nformat = "jsonl"\n'
        "columns = { nik = 'nik', nama = 'ful_name' }\n"
    )
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, "columns =")
    assert "did you mean 'full_name'" in str(error)


def test_second_source_errors_point_into_the_second_source(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + '\n[[source]]\nname = "bpjs"\npath = "b.csv"\nformat = "csv"\n  [source.columns]\n  NIK = "nk"\n'
    )
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, '"nk"')
    assert "source 'bpjs'" in str(error)


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (('format = "csv"', 'format = "xls"'), "xls", "is not one of csv, jsonl, xlsx"),
        (('format = "csv"', 'format = "csv"\nencoding = "utf-16"'), "utf-16", "not ASCII-compatible"),
        (('format = "csv"', 'format = "csv"\nencoding = "klingon"'), "klingon", "unknown encoding"),
        (('format = "csv"', 'format = "csv"\ntrust = 2'), "trust", "from 0 to 1"),
        (('format = "csv"', 'format = "csv"\ndelimiter = ";;"'), "delimiter", "one character"),
        (('format = "csv"', 'format = "csv"\nheader_row = 0'), "header_row", "whole number"),
        (
            ('format = "csv"', 'format = "jsonl"\ndelimiter = ";"'),
            "delimiter",
            "only applies to format 'csv'",
        ),
        (('format = "csv"', 'format = "jsonl"\nheader_row = 2'), "header_row", "no header row"),
        (
            ('format = "csv"', 'format = "xlsx"\nencoding = "cp1252"'),
            "encoding",
            "only applies to format 'csv'",
        ),
        (('format = "csv"', 'format = "csv"\nsheet = "Data"'), "sheet", "only applies to format 'xlsx'"),
        (('name = "disnaker"', 'name = "Dis Naker"'), "Dis Naker", "lower-case"),
        (
            ('NAMA = "full_name"', 'NAMA = "nik"'),
            'NAMA = "nik"',
            "field 'nik' already comes from columns.\"NIK\"",
        ),
        (("version = 1", "version = 2"), "version", "expected 1"),
    ],
)
def test_semantic_errors_name_their_line(
    tmp_path: Path, change: tuple[str, str], needle: str, message: str
) -> None:
    text = MINIMAL.replace(*change)
    error = error_of(tmp_path, text)
    assert message in str(error)
    assert error.line == line_of(text, needle)


def test_dates_only_for_date_fields(tmp_path: Path) -> None:
    text = MINIMAL + '  [source.dates]\n  full_name = ["%d-%m-%Y"]\n'
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, "full_name = [")
    assert "not a date field" in str(error)


def test_split_and_constants_feed_checked_fields(tmp_path: Path) -> None:
    split = MINIMAL + '  [source.split]\n  TTL = { fields = ["birth_plac", "birth_date"] }\n'
    error = error_of(tmp_path, split)
    assert error.line == line_of(split, "TTL =")
    assert "did you mean 'birth_place'" in str(error)
    constant = MINIMAL + '  [source.constants]\n  full_name = "X"\n'
    error = error_of(tmp_path, constant)
    assert error.line == line_of(constant, 'full_name = "X"')
    assert "already comes from" in str(error)


def test_duplicate_source_names(tmp_path: Path) -> None:
    text = MINIMAL + MINIMAL.removeprefix("version = 1\n")
    error = error_of(tmp_path, text)
    assert "used twice" in str(error)
    second_name = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("name =")][1]
    assert error.line == second_name


def test_single_bracket_source_table_is_explained(tmp_path: Path) -> None:
    text = MINIMAL.replace("[[source]]", "[source]")
    error = error_of(tmp_path, text)
    assert error.line == line_of(text, "[source]")
    assert "write [[source]] (double brackets)" in str(error)


def test_unreadable_manifest_is_a_manifest_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="cannot read the manifest") as caught:
        load_manifest(tmp_path / "missing.toml")
    assert caught.value.line is None
    (tmp_path / "latin.toml").write_bytes("version = 1 # Désirée\n".encode("latin-1"))
    with pytest.raises(ManifestError, match="cannot read the manifest"):
        load_manifest(tmp_path / "latin.toml")
