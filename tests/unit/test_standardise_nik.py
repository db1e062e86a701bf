"""NIK and KK number cleaning and decoding (synthetic numbers with real Kemendagri prefixes)."""

from __future__ import annotations

import datetime as dt

import pytest

from linkage.standardise.kk import parse_kk
from linkage.standardise.nik import ParsedNik, looks_like_kk, parse_nik

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "digits", "birth_date", "sex", "region"),
    [
        ("3212011505900001", "3212011505900001", "1990-05-15", "L", "3212"),
        # Women: day + 40, from 41 (the 1st) to 71 (the 31st).
        ("3212015505900001", "3212015505900001", "1990-05-15", "P", "3212"),
        ("3212014101950002", "3212014101950002", "1995-01-01", "P", "3212"),
        ("3507077112880003", "3507077112880003", "1988-12-31", "P", "3507"),
        ("1802036906010004", "1802036906010004", "2001-06-29", "P", "1802"),
        # Separators people and spreadsheets add.
        ("3212 0115 0590 0001", "3212011505900001", "1990-05-15", "L", "3212"),
        ("32.12.01.150590.0001", "3212011505900001", "1990-05-15", "L", "3212"),
        ("'3212011505900001", "3212011505900001", "1990-05-15", "L", "3212"),
        ("3212011505900001.0", "3212011505900001", "1990-05-15", "L", "3212"),
        ("3.212011505900001e+15", "3212011505900001", "1990-05-15", "L", "3212"),  # a float in full
        ("  5203-01-150590-0001 ", "5203011505900001", "1990-05-15", "L", "5203"),
        # Kota Bandung, Kota Adm. Jakarta Selatan.
        ("3273022208770001", "3273022208770001", "1977-08-22", "L", "3273"),
        ("3174064303850009", "3174064303850009", "1985-03-03", "P", "3174"),
    ],
)
def test_valid_nik_decodes(raw: str, digits: str, birth_date: str, sex: str, region: str) -> None:
    parsed = parse_nik(raw, today=TODAY)
    assert parsed == ParsedNik(digits, birth_date, sex, region, ())


@pytest.mark.parametrize(
    ("raw", "digits", "issue"),
    [
        ("1.80213E+15", "", "excel_mangled"),
        ("3,21201E+15", "", "excel_mangled"),
        ("3.2120115059e+15", "", "excel_mangled"),  # trailing zeros dropped: the last digits are unknown
        ("321201150590001", "321201150590001", "length"),
        ("32120115059000011", "32120115059000011", "length"),
        ("32120I1505900001", "", "non_digit"),
        ("0000000000000000", "", "placeholder"),
        ("1234567890123456", "", "placeholder"),
        ("3212010000000000", "", "placeholder"),
        ("9912011505900001", "9912011505900001", "unknown_region"),
        ("3299011505900001", "3299011505900001", "unknown_region"),
        ("3212013505900001", "3212013505900001", "bad_date"),  # day 35: neither a man's nor a woman's
        ("3212017205900001", "3212017205900001", "bad_date"),  # day 72 = 32
        ("3212011513900001", "3212011513900001", "bad_date"),  # month 13
        ("3212016902900001", "3212016902900001", "bad_date"),  # 29 Feb 1990
    ],
)
def test_malformed_nik_is_flagged(raw: str, digits: str, issue: str) -> None:
    parsed = parse_nik(raw, today=TODAY)
    assert parsed.digits == digits
    assert parsed.issues == (issue,)


@pytest.mark.parametrize("raw", ["", "  ", "-", "tidak ada", "0"])
def test_missing_nik_is_not_flagged(raw: str) -> None:
    assert parse_nik(raw, today=TODAY) == ParsedNik()


def test_birth_date_hint_picks_the_century() -> None:
    raw = "3212011505250001"  # born '25
    assert parse_nik(raw, today=TODAY).birth_date == "2025-05-15"
    assert parse_nik(raw, birth_date_hint=dt.date(1925, 5, 15), today=TODAY).birth_date == "1925-05-15"
    # A hint whose year does not end in 25 says nothing about this NIK's century.
    assert parse_nik(raw, birth_date_hint=dt.date(1990, 1, 1), today=TODAY).birth_date == "2025-05-15"


KK = "3212011203150007"  # Kab. Indramayu, card issued 12 Mar 2015


def test_kk_decodes_issue_date_without_plus_forty() -> None:
    parsed = parse_kk(KK, today=TODAY)
    assert (parsed.digits, parsed.issue_date, parsed.region_code, parsed.issues) == (
        KK,
        "2015-03-12",
        "3212",
        (),
    )
    assert parse_kk("3212015203150007", today=TODAY).issues == ("bad_date",)
    assert parse_kk("32120112031500", today=TODAY).issues == ("length",)


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex", "kk_number", "expected"),
    [
        (KK, dt.date(1990, 5, 15), "L", KK, True),  # the record's own KK number
        (KK, dt.date(1990, 5, 15), "L", "", True),  # "born" 2015, but the person was born 1990
        (KK, dt.date(1990, 5, 15), "P", "", True),  # a woman's NIK can never have day ≤ 31
        ("3212011505900001", dt.date(1990, 5, 15), "L", "", False),  # a real NIK, dates agree
        ("3212011605900001", dt.date(1990, 5, 15), "L", "", False),  # a typo keeps the year: not a KK
        (KK, None, "L", "", False),  # no birth date: no evidence
        ("3212015505900001", dt.date(1980, 1, 1), "P", "", False),  # female-style date: a NIK
    ],
)
def test_looks_like_kk(
    nik: str, birth_date: dt.date | None, sex: str, kk_number: str, expected: bool
) -> None:
    parsed = parse_nik(nik, birth_date_hint=birth_date, today=TODAY)
    assert looks_like_kk(parsed, birth_date=birth_date, sex=sex, kk_number=kk_number) is expected
