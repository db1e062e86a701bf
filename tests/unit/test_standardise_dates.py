"""Dates in the shapes Indonesian silos write them."""

from __future__ import annotations

import datetime as dt

import pytest

from linkage.standardise.dates import ParsedDate, expand_year, parse_date

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("15-05-1990", "1990-05-15"),
        ("15/05/1990", "1990-05-15"),
        ("15.05.1990", "1990-05-15"),
        ("15/05/90", "1990-05-15"),
        ("1990-05-15", "1990-05-15"),
        ("1990/05/15", "1990-05-15"),
        ("19900515", "1990-05-15"),
        ("15051990", "1990-05-15"),
        ("150590", "1990-05-15"),
        ("12 Pebruari 1990", "1990-02-12"),
        ("12 Februari 1990", "1990-02-12"),
        ("17 Agustus 1945", "1945-08-17"),
        ("5 Agt 85", "1985-08-05"),
        ("01-Okt-2001", "2001-10-01"),
        ("31 Des 1999", "1999-12-31"),
        ("2 Mei 2000", "2000-05-02"),
        ("3 Nopember 1979", "1979-11-03"),
        ("Senin, 12 Januari 2004", "2004-01-12"),
        ("March 3, 1990", "1990-03-03"),
        ("3rd March 1990", "1990-03-03"),
        ("12-DEC-1988", "1988-12-12"),
        ("32874", "1990-01-01"),  # Excel serial
        ("32874.0", "1990-01-01"),
        ("32874.75", "1990-01-01"),  # serial with a time of day
        ("1990-05-15 00:00:00", "1990-05-15"),  # spreadsheet datetime
        ("15/05/1990 0:00", "1990-05-15"),
        ("13/06/1990", "1990-06-13"),  # day > 12: unambiguous
        ("06/13/1990", "1990-06-13"),  # month-first, only reading possible
        ("07/07/1990", "1990-07-07"),  # both readings are the same date
    ],
)
def test_parses_to_iso(raw: str, iso: str) -> None:
    assert parse_date(raw, today=TODAY) == ParsedDate(iso, "", ())


@pytest.mark.parametrize(
    ("raw", "primary", "alternative"),
    [
        ("05/06/1990", "1990-06-05", "1990-05-06"),
        ("01-02-03", "2003-02-01", "2003-01-02"),
        ("12.11.1985", "1985-11-12", "1985-12-11"),
    ],
)
def test_ambiguous_day_month_keeps_both_readings(raw: str, primary: str, alternative: str) -> None:
    assert parse_date(raw, today=TODAY) == ParsedDate(primary, alternative, ("ambiguous",))


def test_declared_format_is_not_ambiguous() -> None:
    assert parse_date("05/06/1990", formats=["%m/%d/%Y"], today=TODAY) == ParsedDate("1990-05-06")
    # A value the declared format cannot read falls back to the generic parser.
    assert parse_date("12 Mei 1990", formats=["%m/%d/%Y"], today=TODAY) == ParsedDate("1990-05-12")


@pytest.mark.parametrize(
    "raw",
    ["31/02/1990", "30-02-2000", "00/05/1990", "15/13/1990", "1990-13-01", "abc", "Januari 1990", "12345678"],
)
def test_impossible_dates_are_invalid(raw: str) -> None:
    assert parse_date(raw, today=TODAY) == ParsedDate(issues=("invalid",))


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        ("1965", "partial"),
        ("00-00-1965", "partial"),
        ("??/??/1958", "partial"),
        ("01/01/1900", "placeholder"),
        ("1970-01-01", "placeholder"),
        ("31/12/1899", "placeholder"),
    ],
)
def test_year_only_and_system_defaults_give_no_value(raw: str, issue: str) -> None:
    assert parse_date(raw, today=TODAY) == ParsedDate(issues=(issue,))


def test_first_of_january_is_a_real_date() -> None:
    # Dukcapil records many older people as born on 1 January; that is data, not a placeholder.
    assert parse_date("01-01-1965", today=TODAY) == ParsedDate("1965-01-01")


@pytest.mark.parametrize("raw", ["", "-", "  ", "tidak ada", "NaT"])
def test_missing_dates(raw: str) -> None:
    assert parse_date(raw, today=TODAY) == ParsedDate()


def test_two_digit_years_pivot_into_the_past() -> None:
    assert parse_date("15/05/26", today=TODAY).value == "2026-05-15"
    assert parse_date("15/05/27", today=TODAY).value == "1927-05-15"
    assert expand_year(30, 2026) == 1930
    assert expand_year(5, 2026) == 2005
    # A later pivot for dates that may lie ahead (a planned departure).
    assert parse_date("15/05/28", latest_year=2031, today=TODAY).value == "2028-05-15"


def test_future_birth_date_is_flagged_but_kept() -> None:
    assert parse_date("01/01/2030", today=TODAY, past_only=True) == ParsedDate("2030-01-01", "", ("future",))
