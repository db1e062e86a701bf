"""Survivorship: which value becomes the person's, by which rule, from which record."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from linkage.golden import SurvivorshipRules, golden_records
from linkage.linked import PERSON_COLUMNS
from linkage.provenance import field_origins
from tests.unit.canonical_rows import canonical_rows

TRUST = SurvivorshipRules(
    source_trust={"dukcapil_indramayu": 0.6, "sisko_p2mi": 0.9, "disnaker": 0.4, "bpjs": 0.5}
)


def _golden(records: pd.DataFrame, persons: list[str] | None = None) -> pd.DataFrame:
    ids = np.array(persons or ["P-1"] * len(records), dtype=object)
    return golden_records(records, ids, TRUST).set_index("person_id")


def _why(person: pd.Series, field: str) -> dict[str, str | None]:
    origins = {o.field: o for o in field_origins(str(person["provenance"]), person.to_dict())}
    chosen = origins[field]
    return {
        "value": chosen.value,
        "record_key": chosen.record_key,
        "source": chosen.source,
        "rule": chosen.rule,
    }


def test_dukcapil_is_the_authority_for_nik_and_birth_date_even_with_lower_trust() -> None:
    records = canonical_rows(
        {
            "source": "sisko_p2mi",
            "nik": "3212055403900001",
            "birth_date": "1990-03-15",
            "full_name": "SITI AMINAH",
        },
        {
            "source": "dukcapil_indramayu",
            "nik": "3212055403900007",
            "birth_date": "1990-03-14",
            "full_name": "SITI AMINAH",
        },
    )
    person = _golden(records).loc["P-1"]
    assert person["nik"] == "3212055403900007"
    assert person["birth_date"] == "1990-03-14"
    assert _why(person, "nik") == {
        "value": "3212055403900007",
        "record_key": "dukcapil_indramayu:2",
        "source": "dukcapil_indramayu",
        "rule": "authority",
    }
    assert _why(person, "full_name")["rule"] == "only_value"


def test_immigration_is_the_authority_for_the_passport() -> None:
    records = canonical_rows(
        {"source": "sisko_p2mi", "passport_number": "C1234567", "full_name": "A"},
        {"source": "imigrasi_cirebon", "passport_number": "C7654321", "full_name": "A"},
    )
    person = _golden(records).loc["P-1"]
    assert person["passport_number"] == "C7654321"
    assert _why(person, "passport_number")["rule"] == "authority"


def test_higher_trust_wins_then_frequency_for_stable_fields() -> None:
    records = canonical_rows(
        {"source": "disnaker", "mother_name": "KARSIH", "birth_place": "INDRAMAYU"},
        {"source": "disnaker", "mother_name": "KARSIH", "birth_place": "INDRAMAYU"},
        {"source": "sisko_p2mi", "mother_name": "KARSI"},
        {"source": "bpjs", "birth_place": "CIREBON"},
    )
    person = _golden(records).loc["P-1"]
    assert (person["mother_name"], _why(person, "mother_name")["rule"]) == ("KARSI", "trust")
    records.loc[:, "source"] = "disnaker"
    person = _golden(records).loc["P-1"]
    assert (person["birth_place"], _why(person, "birth_place")["rule"]) == ("INDRAMAYU", "frequency")
    assert (person["mother_name"], _why(person, "mother_name")["rule"]) == ("KARSIH", "frequency")


def test_recency_wins_for_volatile_fields() -> None:
    records = canonical_rows(
        {"source": "bpjs", "phone": "+6281111111111", "departure_date": "2019-01-02"},
        {"source": "bpjs", "phone": "+6281111111111", "departure_date": "2018-06-01"},
        {"source": "bpjs", "phone": "+85291234567", "complaint_date": "2023-07-01"},
    )
    person = _golden(records).loc["P-1"]
    assert person["phone"] == "+85291234567"
    assert _why(person, "phone") == {
        "value": "+85291234567",
        "record_key": "bpjs:3",
        "source": "bpjs",
        "rule": "recency",
    }


def test_a_flagged_value_loses_to_a_valid_one() -> None:
    records = canonical_rows(
        {"source": "dukcapil_indramayu", "nik": "3212059903900001", "flags": "nik_bad_date"},
        {"source": "disnaker", "nik": "3212055403900001"},
    )
    person = _golden(records).loc["P-1"]
    assert (person["nik"], _why(person, "nik")["rule"]) == ("3212055403900001", "valid")


def test_full_tie_takes_the_smallest_value() -> None:
    records = canonical_rows(
        {"source": "bpjs", "address": "JL MANGGA"}, {"source": "bpjs", "address": "JL APEL"}
    )
    person = _golden(records).loc["P-1"]
    assert (person["address"], _why(person, "address")["rule"]) == ("JL APEL", "tie")


def test_persons_table_shape_counts_and_worker_flag() -> None:
    records = canonical_rows(
        {"full_name": "KARTO", "source": "disnaker"},
        {"full_name": "KARTO", "source": "dukcapil_indramayu", "family_role": "KEPALA KELUARGA"},
        {"full_name": "KARTINI", "source": "bpjs", "relation": "istri"},
        {"full_name": "KARTINI", "source": "dukcapil_indramayu", "family_role": "ISTRI"},
    )
    persons = _golden(records, ["P-karto", "P-karto", "P-kartini", "P-kartini"])
    assert list(persons.reset_index().columns) == list(PERSON_COLUMNS)
    assert persons.loc["P-karto", "is_worker"]
    assert not persons.loc["P-kartini", "is_worker"]
    assert persons["record_count"].to_dict() == {"P-karto": 2, "P-kartini": 2}
    assert persons.loc["P-kartini", "nik"] == ""
    kartini = persons.loc["P-kartini"]
    assert "nik" not in {o.field for o in field_origins(str(kartini["provenance"]), kartini.to_dict())}


def test_provenance_is_valid_json_for_any_text() -> None:
    address = 'JL. "MAWAR" NO.5\\RT 02 — Desa Ciasem'
    records = canonical_rows(
        {"source": "bpjs", "record_id": 'x"1', "address": address, "full_name": "Ai'nun"}
    )
    person = _golden(records).loc["P-1"]
    assert json.loads(str(person["provenance"])) == {
        'bpjs:x"1': {"full_name": "only_value", "address": "only_value"}
    }
    assert _why(person, "address") == {
        "value": address,
        "record_key": 'bpjs:x"1',
        "source": "bpjs",
        "rule": "only_value",
    }
    assert _why(person, "full_name")["value"] == "Ai'nun"
