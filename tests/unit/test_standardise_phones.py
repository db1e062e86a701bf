"""Phone numbers to E.164 (numbers are made up; the prefixes are real)."""

from __future__ import annotations

import pytest

from linkage.standardise.phones import ParsedPhone, parse_phone


@pytest.mark.parametrize(
    ("raw", "region", "e164", "country"),
    [
        ("0812-3456-7890", "ID", "+6281234567890", "ID"),
        ("081234567890", "ID", "+6281234567890", "ID"),
        ("+62 812 3456 7890", "ID", "+6281234567890", "ID"),
        ("6281234567890", "ID", "+6281234567890", "ID"),
        ("62-812-3456-7890", "ID", "+6281234567890", "ID"),
        ("(+62) 857.1234.5678", "ID", "+6285712345678", "ID"),
        ("81234567890", "ID", "+6281234567890", "ID"),  # Excel dropped the leading 0
        ("81234567890.0", "ID", "+6281234567890", "ID"),  # ... and the column was read as float
        ("021-5551234", "ID", "+62215551234", "ID"),  # Jakarta landline
        ("(0274) 512345", "ID", "+62274512345", "ID"),
        ("+852 9123 4567", "ID", "+85291234567", "HK"),
        ("00852 9123 4567", "ID", "+85291234567", "HK"),
        ("9123 4567", "HK", "+85291234567", "HK"),  # a Hong Kong agency writes local numbers
        ("+886 912 345 678", "ID", "+886912345678", "TW"),
        ("0912-345-678", "TW", "+886912345678", "TW"),
        ("+60 12-345 6789", "ID", "+60123456789", "MY"),
        ("+966 50 123 4567", "ID", "+966501234567", "SA"),
        ("+65 9123 4567", "ID", "+6591234567", "SG"),
        ("+62 (0) 812-3456-7890", "ID", "+6281234567890", "ID"),  # the trunk 0 kept after +62
        ("0062 812 3456 7890", "ID", "+6281234567890", "ID"),
        ("HP: 0812.3456.7890 (WA)", "ID", "+6281234567890", "ID"),
        ("(021) 555-1234 ext. 12", "ID", "+62215551234", "ID"),
    ],
)
def test_to_e164(raw: str, region: str, e164: str, country: str) -> None:
    assert parse_phone(raw, region) == ParsedPhone(e164, country, ())


def test_several_numbers_in_one_cell_use_the_first() -> None:
    assert parse_phone("0812-3456-7890 / 0857-1234-5678") == ParsedPhone(
        "+6281234567890", "ID", ("multiple",)
    )
    assert parse_phone("081234567890 atau 085712345678").issues == ("multiple",)


@pytest.mark.parametrize(
    ("raw", "e164", "issues"),
    [
        ("12345", "", ("invalid",)),
        ("08-ABC", "", ("invalid",)),
        ("0812345678901234", "+62812345678901234", ("invalid",)),  # too long for a mobile, still kept
        ("8.12346E+11", "", ("excel_mangled",)),
    ],
)
def test_bad_numbers_are_flagged(raw: str, e164: str, issues: tuple[str, ...]) -> None:
    parsed = parse_phone(raw)
    assert (parsed.e164, parsed.issues) == (e164, issues)


@pytest.mark.parametrize("raw", ["", "-", "tidak ada", "0"])
def test_missing_phone(raw: str) -> None:
    assert parse_phone(raw) == ParsedPhone()
