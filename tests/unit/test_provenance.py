"""The provenance document: keyed by record, written by linkage.golden, read by linkage.provenance."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from linkage.golden import SurvivorshipRules, golden_records
from linkage.provenance import FieldOrigin, field_origins, provenance_json
from tests.unit.canonical_rows import canonical_rows


def test_each_winning_record_is_named_once_with_the_fields_it_gave() -> None:
    records = canonical_rows(
        {"source": "dukcapil", "record_id": "A", "nik": "3212055403900001", "full_name": "SITI AMINAH"},
        {"source": "sisko_p2mi", "record_id": "S", "phone": "+6281234567890", "full_name": "SITI AMINA"},
        {"source": "imigrasi", "record_id": "X1", "passport_number": "X1234567"},
        {"source": "bpjs", "record_id": "B", "full_name": "BUDI"},  # another person, between them
    )
    persons = golden_records(
        records, np.array(["P-siti", "P-siti", "P-siti", "P-budi"], dtype=object), SurvivorshipRules()
    ).set_index("person_id")

    assert json.loads(str(persons.loc["P-siti", "provenance"])) == {
        "dukcapil:A": {"nik": "only_value", "full_name": "authority"},
        "sisko_p2mi:S": {"phone": "only_value"},
        "imigrasi:X1": {"passport_number": "only_value"},
    }
    assert json.loads(str(persons.loc["P-budi", "provenance"])) == {"bpjs:B": {"full_name": "only_value"}}


def test_read_back_with_the_golden_values_in_field_order() -> None:
    document = provenance_json(
        {"passport_number": ("imigrasi:X1", "only_value"), "nik": ("dukcapil:A", "authority")}
    )
    golden = {"nik": "3212055403900001", "passport_number": "X1234567", "birth_date": dt.date(1990, 3, 15)}

    assert field_origins(document, golden) == [
        FieldOrigin("nik", "3212055403900001", "dukcapil:A", "dukcapil", "authority"),
        FieldOrigin("passport_number", "X1234567", "imigrasi:X1", "imigrasi", "only_value"),
    ]
    dated = provenance_json({"birth_date": ("dukcapil:A", "only_value")})
    assert field_origins(dated, golden)[0].value == "1990-03-15"


def test_the_earlier_per_field_layout_is_still_read() -> None:
    earlier = json.dumps(
        {
            "full_name": {"value": "SITI", "record_key": "dukcapil:A", "source": "dukcapil", "rule": "trust"},
            "nik": {"value": "3212055403900001", "record_key": "dukcapil:A", "rule": "first"},
        }
    )

    assert field_origins(earlier, {"nik": "ignored: the document holds its values"}) == [
        FieldOrigin("nik", "3212055403900001", "dukcapil:A", "dukcapil", "first"),
        FieldOrigin("full_name", "SITI", "dukcapil:A", "dukcapil", "trust"),
    ]
    assert field_origins(None, {}) == [] and field_origins("{}", {}) == []
