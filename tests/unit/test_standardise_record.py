"""The frame/row seam: every output column, distinct-value caching, cross-field checks, bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from linkage.canonical import CONTEXT_FIELDS, DERIVED_FIELDS, PERSON_FIELDS
from linkage.standardise import standardise_frame, standardise_row

WORKER = {
    "nik": "3212 0155 0590 0001",
    "kk_number": "3212011203150007",
    "full_name": "Hj. Siti Aminah binti Karto als Iin",
    "birth_date": "15 Mei 1990",
    "birth_place": "indramayu",
    "sex": "Perempuan",
    "mother_name": "Hj. Warsini",
    "phone": "0812-3456-7890",
    "address": "  Jl. Raya  Juntinyuat No. 5 ",
    "region_code": "Kab. Indramayu",
    "passport_number": "c 1234567",
    "agency_name": "PT. Bina-Karya Mandiri",
    "destination_country": "Hongkong",
    "employer_country": "HK",
    "placement_phase": "Masa Penempatan",
    "procedural": "ya",
    "departure_date": "2024-03-01",
    "broker_phone": "+852 9123 4567",
    "relation": "Istri",
}


def test_row_standardises_every_field() -> None:
    row = standardise_row(WORKER)
    assert list(row) == [*PERSON_FIELDS, *DERIVED_FIELDS, *CONTEXT_FIELDS]
    expected = {
        "nik": "3212015505900001",
        "kk_number": "3212011203150007",
        "full_name": "SITI AMINAH BINTI KARTO",
        "name_tokens": "SITI AMINAH",
        "name_key": "SITI AMINA",
        "alias_names": "IIN",
        "father_name": "KARTO",
        "birth_date": "1990-05-15",
        "birth_date_alt": "",
        "birth_place": "INDRAMAYU",
        "sex": "P",
        "nik_birth_date": "1990-05-15",
        "nik_sex": "P",
        "mother_name": "WARSINI",
        "phone": "+6281234567890",
        "phone_country": "ID",
        "address": "JL. RAYA JUNTINYUAT NO. 5",
        "region_code": "3212",
        "passport_number": "C1234567",
        "agency_name": "PT BINA KARYA MANDIRI",
        "destination_country": "HK",
        "employer_country": "HK",
        "placement_phase": "masa",
        "procedural": "true",
        "departure_date": "2024-03-01",
        "broker_phone": "+85291234567",
        "relation": "istri",
        "flags": "",
        "complaint_id": "",
    }
    assert {k: row[k] for k in expected} == expected


def test_flags_are_field_prefixed_sorted_and_joined() -> None:
    row = standardise_row(
        {
            "nik": "32120115059",
            "birth_date": "05/06/1990",
            "phone": "12345",
            "destination_country": "Atlantis",
        }
    )
    assert row["flags"] == "birth_date_ambiguous|destination_country_unknown|nik_length|phone_invalid"
    assert (row["birth_date"], row["birth_date_alt"]) == ("1990-06-05", "1990-05-06")


def test_nik_settles_an_ambiguous_birth_date() -> None:
    row = standardise_row({"nik": "3212010506900001", "birth_date": "06/05/1990"})
    # Day-first would be 6 May; the NIK says 5 June, the second reading, which becomes primary.
    assert (row["birth_date"], row["birth_date_alt"]) == ("1990-06-05", "1990-05-06")
    assert row["flags"] == "birth_date_ambiguous"


@pytest.mark.parametrize(
    ("birth_date", "sex", "flags"),
    [
        ("1991-05-15", "L", "birth_date_nik_mismatch"),  # NIK year earlier than the birth: a typo, not a KK
        ("1990-05-15", "P", "sex_nik_mismatch"),  # dates agree: the sex field or the +40 is wrong
        ("1991-05-15", "P", "birth_date_nik_mismatch|nik_looks_like_kk|sex_nik_mismatch"),
        ("1990-05-15", "L", ""),
    ],
)
def test_cross_field_checks(birth_date: str, sex: str, flags: str) -> None:
    row = standardise_row({"nik": "3212011505900001", "birth_date": birth_date, "sex": sex})
    assert row["flags"] == flags


def test_kk_number_typed_into_the_nik_field() -> None:
    row = standardise_row({"nik": "3212011203150007", "birth_date": "15-05-1990", "sex": "L"})
    assert row["flags"] == "birth_date_nik_mismatch|nik_looks_like_kk"


def test_excel_mangled_nik_is_flagged_and_raw_kept_by_caller() -> None:
    row = standardise_row({"nik": "1.80213E+15"})
    assert (row["nik"], row["flags"]) == ("", "nik_excel_mangled")


def test_default_country_reads_local_numbers() -> None:
    assert standardise_row({"phone": "9123 4567"}, default_country="HK")["phone"] == "+85291234567"


def test_declared_date_format() -> None:
    row = standardise_row({"birth_date": "05/06/1990"}, date_formats={"birth_date": ["%m/%d/%Y"]})
    assert (row["birth_date"], row["flags"]) == ("1990-05-06", "")


def test_frame_keeps_index_and_repeated_values_agree() -> None:
    names = ["H. MOCH. DJOKO SANTOSO, S.Pd.", "Siti Aminah", "H. MOCH. DJOKO SANTOSO, S.Pd.", ""]
    raw = pd.DataFrame({"full_name": names, "phone": ["0812-3456-7890", "", "0812-3456-7890", "x"]})
    raw.index = pd.Index([7, 3, 9, 1])
    out = standardise_frame(raw)
    assert list(out.index) == [7, 3, 9, 1]
    assert list(out["full_name"]) == ["MOCH DJOKO SANTOSO", "SITI AMINAH", "MOCH DJOKO SANTOSO", ""]
    assert list(out["phone"]) == ["+6281234567890", "", "+6281234567890", ""]
    assert list(out["flags"]) == ["", "", "", "phone_invalid"]


def test_empty_frame_and_missing_values() -> None:
    out = standardise_frame(pd.DataFrame({"nik": pd.Series([], dtype=object)}))
    assert len(out) == 0 and list(out.columns) == [*PERSON_FIELDS, *DERIVED_FIELDS, *CONTEXT_FIELDS]
    with_none = standardise_frame(pd.DataFrame({"full_name": [None, "Budi"]}))
    assert list(with_none["full_name"]) == ["", "BUDI"]


def test_flags_from_ingest_are_merged() -> None:
    raw = pd.DataFrame({"phone": ["12345"], "flags": ["record_id_duplicate"]})
    assert standardise_frame(raw)["flags"].iloc[0] == "phone_invalid|record_id_duplicate"


def test_unknown_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not canonical fields: nama"):
        standardise_frame(pd.DataFrame({"nama": ["Budi"]}))


def test_date_formats_for_a_non_date_field_is_an_error() -> None:
    with pytest.raises(ValueError, match="non-date fields: phone"):
        standardise_row({"phone": "0812"}, date_formats={"phone": ["%d"]})


def test_context_fields_get_their_own_prefixed_flags() -> None:
    row = standardise_row(
        {
            "kk_number": "32120112031500",
            "related_nik": "3212015505900001",
            "broker_phone": "123",
            "departure_date": "31/02/2024",
            "return_date": "05/06/27",
            "sex": "X",
            "placement_phase": "entah",
        }
    )
    assert row["related_nik"] == "3212015505900001"
    assert row["return_date"] == "2027-06-05"  # a 2-digit year may lie ahead for a return date
    assert row["flags"] == (
        "broker_phone_invalid|departure_date_invalid|kk_number_length|placement_phase_invalid"
        "|return_date_ambiguous|sex_invalid"
    )
