"""Whatever a silo writes, standardisation returns every column and never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.canonical import CONTEXT_FIELDS, DERIVED_FIELDS, PERSON_FIELDS
from linkage.standardise import standardise_row
from linkage.standardise.dates import parse_date
from linkage.standardise.names import parse_name
from linkage.standardise.nik import parse_nik

# Text shaped like form input: digits, letters, separators, the odd accented or non-Latin character.
messy = st.text(alphabet=st.sampled_from("0123456789 ABCJKLMPSTaeiou.,-/'()@+E:éÜ\u0661\t"), max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([*PERSON_FIELDS, *CONTEXT_FIELDS]), messy, max_size=8))
def test_any_row_standardises_to_every_column(fields: dict[str, str]) -> None:
    row = standardise_row(fields)
    assert list(row) == [*PERSON_FIELDS, *DERIVED_FIELDS, *CONTEXT_FIELDS]
    assert all(isinstance(value, str) for value in row.values())
    flags = row["flags"].split("|") if row["flags"] else []
    assert flags == sorted(set(flags))


@settings(max_examples=300, deadline=None)
@given(messy)
def test_dates_are_iso_or_empty_with_a_reason(raw: str) -> None:
    parsed = parse_date(raw)
    assert len(parsed.value) in (0, 10)
    if not parsed.value and parsed.issues:
        assert parsed.issues in {("invalid",), ("partial",), ("placeholder",)}


@settings(max_examples=300, deadline=None)
@given(messy)
def test_names_display_only_letters_digits_and_spaces(raw: str) -> None:
    display = parse_name(raw).display
    assert display == " ".join(display.split())
    assert all(ch.isalnum() or ch == " " for ch in display)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_sixteen_digit_nik_decodes_or_says_why_not(raw: str) -> None:
    parsed = parse_nik(raw)
    assert parsed.digits in (raw, "")
    if parsed.digits and "bad_date" not in parsed.issues:
        assert parsed.sex in ("L", "P") and len(parsed.birth_date) == 10
