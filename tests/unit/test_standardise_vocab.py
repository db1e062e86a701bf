"""Small vocabularies (sex, phase, procedural, passport, organisation) and the text helpers."""

from __future__ import annotations

import pytest

from linkage.standardise.text import clean_text, fold, is_missing
from linkage.standardise.vocab import (
    standard_organisation,
    standard_passport,
    standard_phase,
    standard_procedural,
    standard_sex,
)


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("L", "L"),
        ("Laki-laki", "L"),
        ("LAKI LAKI", "L"),
        ("lk", "L"),
        ("Pria", "L"),
        ("M", "L"),
        ("Male", "L"),
        ("P", "P"),
        ("Perempuan", "P"),
        ("PR", "P"),
        ("wanita", "P"),
        ("W", "P"),
        ("F", "P"),
        ("Female", "P"),
    ],
)
def test_sex(raw: str, sex: str) -> None:
    assert standard_sex(raw) == (sex, ())


def test_unknown_sex_is_flagged_and_missing_is_not() -> None:
    assert standard_sex("X") == ("", ("invalid",))
    assert standard_sex("-") == ("", ())


@pytest.mark.parametrize(
    ("raw", "phase"),
    [
        ("Pra Penempatan", "pra"),
        ("CPMI", "pra"),
        ("masa", "masa"),
        ("Purna-Penempatan", "purna"),
        ("PULANG", "purna"),
    ],
)
def test_phase(raw: str, phase: str) -> None:
    assert standard_phase(raw) == (phase, ())


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Ya", "true"),
        ("1", "true"),
        ("Prosedural", "true"),
        ("Tidak", "false"),
        ("0", "false"),
        ("Non-Prosedural", "false"),
    ],
)
def test_procedural(raw: str, value: str) -> None:
    # "0" means "false" here even though it is a "no value" spelling elsewhere.
    assert standard_procedural(raw) == (value, ())


@pytest.mark.parametrize(
    ("raw", "passport", "issues"),
    [
        ("A 1234567", "A1234567", ()),
        ("c1234567", "C1234567", ()),
        ("AB-123456", "AB123456", ()),
        ("1234567", "1234567", ("invalid",)),  # kept: the digits can still link
        ("A12", "A12", ("invalid",)),
        ("", "", ()),
    ],
)
def test_passport(raw: str, passport: str, issues: tuple[str, ...]) -> None:
    assert standard_passport(raw) == (passport, issues)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("PT. Bina-Karya Mandiri", "PT BINA KARYA MANDIRI"),
        ("pt bina karya  mandiri", "PT BINA KARYA MANDIRI"),
        ('CV "Sumber Rejeki", Tbk.', "CV SUMBER REJEKI TBK"),
    ],
)
def test_organisation(raw: str, name: str) -> None:
    assert standard_organisation(raw) == name


def test_text_helpers() -> None:
    assert fold("  Sülaïman \t bin  Ahmad ") == "SULAIMAN BIN AHMAD"
    assert all(is_missing(v) for v in ("", " ", "-", "N/A", "null", "Tidak Ada", "nan"))
    assert not is_missing("Ada")
    assert clean_text(" jl.  raya ") == "JL. RAYA"
    assert clean_text("tdk ada") == ""
