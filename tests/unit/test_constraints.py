"""Cannot-link facts read from the canonical table, and the vectorised conflicted-component check."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkage.constraints import BIRTH_KEY, CannotLink, cannot_link, conflicted_components
from tests.unit.canonical_rows import canonical_rows

CARD = "3212050101150003"


def _facts(constraints: CannotLink) -> dict[int, dict[int, int]]:
    facts: dict[int, dict[int, int]] = {}
    for record, key, value in zip(
        constraints.fact_record.tolist(),
        constraints.fact_key.tolist(),
        constraints.fact_value.tolist(),
        strict=True,
    ):
        assert key not in facts.setdefault(record, {}), "one value per record and key"
        facts[record][key] = value
    return facts


def test_facts_come_only_from_unflagged_values() -> None:
    records = canonical_rows(
        {"nik": "3212055403900001", "nik_birth_date": "1990-03-14"},
        {"nik": "3212055403900009", "nik_birth_date": "1990-03-14", "flags": "nik_unknown_region"},
        {"nik": "3301074208900002", "nik_birth_date": "1990-08-02", "flags": "phone_invalid"},
        {"kk_number": CARD, "family_role": "Istri"},
        {"kk_number": CARD, "family_role": "ISTRI", "flags": "kk_number_length"},
        {"kk_number": CARD},
        {
            "kk_number": CARD,
            "family_role": "ISTRI ",
            "nik": "3212055403900001",
            "nik_birth_date": "1990-03-14",
        },
    )
    facts = _facts(cannot_link(records))
    assert set(facts) == {0, 2, 3, 6}
    assert facts[0][BIRTH_KEY] != facts[2][BIRTH_KEY]
    assert facts[0][BIRTH_KEY] == facts[6][BIRTH_KEY]
    role_key = next(k for k in facts[3] if k != BIRTH_KEY)
    assert facts[3] == {role_key: facts[6][role_key]}  # "Istri" and "ISTRI " are one role
    assert len(facts[6]) == 3  # birth date, role on the card, NIK on the card


def test_a_nik_disagreeing_with_its_own_record_does_not_constrain() -> None:
    # A typo in the NIK's date digits makes it decode to another date than the record states: the
    # standardiser flags birth_date_nik_mismatch, and such a NIK must not keep the person apart.
    records = canonical_rows(
        {"nik": "3209030207850001", "nik_birth_date": "1985-07-02", "birth_date": "1985-07-02"},
        {
            "nik": "3209030208750001",
            "nik_birth_date": "1975-08-02",
            "birth_date": "1985-07-02",
            "flags": "birth_date_nik_mismatch",
        },
        {"nik": "3209072308050001", "nik_birth_date": "2005-08-23", "flags": "sex_nik_mismatch"},
    )
    assert set(_facts(cannot_link(records))) == {0}


def test_steward_pairs_on_unknown_records_are_ignored() -> None:
    records = canonical_rows({"full_name": "A"}, {"full_name": "B"})
    pairs = pd.DataFrame(
        {"left_key": [records.record_key[0], "gone:1"], "right_key": [records.record_key[1], "x:2"]}
    )
    facts = cannot_link(records, pairs)
    assert facts.steward_left.tolist() == [0] and facts.steward_right.tolist() == [1]


def test_conflicted_components_finds_each_kind() -> None:
    records = canonical_rows(
        {"nik": "3212055403900001", "nik_birth_date": "1990-03-14"},  # component 0: two NIK dates
        {"nik": "3301074208900002", "nik_birth_date": "1990-08-02"},
        {"kk_number": CARD, "family_role": "KEPALA KELUARGA"},  # component 1: two roles
        {"kk_number": CARD, "family_role": "ISTRI"},
        {"kk_number": CARD, "family_role": "ANAK"},  # component 2: one role, fine
        {"kk_number": CARD, "family_role": "ANAK"},
        {"full_name": "A"},  # component 3: steward NON_MATCH
        {"full_name": "B"},
        {"nik": "3212055403900001", "nik_birth_date": "1990-03-14"},  # component 4: same date, fine
        {"nik": "3212055403900007", "nik_birth_date": "1990-03-14"},
        {"kk_number": CARD, "family_role": "ANAK", "nik": "3212056301200001", "nik_birth_date": "2020-01-23"},
        {"kk_number": CARD, "family_role": "ANAK", "nik": "3212056301200002", "nik_birth_date": "2020-01-23"},
    )  # component 5: twins, one card, one role, one date, two NIKs
    veto = pd.DataFrame({"left_key": [records.record_key[6]], "right_key": [records.record_key[7]]})
    labels = np.repeat(np.arange(6), 2)
    assert conflicted_components(labels, cannot_link(records, veto)).tolist() == [0, 1, 3, 5]


def test_facts_of_a_subset_renumbers_records() -> None:
    records = canonical_rows(
        {"full_name": "A"},
        {"nik": "3212055403900001", "nik_birth_date": "1990-03-14"},
        {"nik": "3301074208900002", "nik_birth_date": "1990-08-02"},
    )
    veto = pd.DataFrame({"left_key": [records.record_key[0]], "right_key": [records.record_key[2]]})
    subset = cannot_link(records, veto).facts_of(np.array([2, 1]))
    assert subset.size == 2
    assert sorted(subset.fact_record.tolist()) == [0, 1]
    assert len(subset.steward_left) == 0  # record 0 is outside the subset


def test_a_complaint_is_never_one_person_with_the_relative_who_filed_it() -> None:
    complaint = {"full_name": "HAMZAH SIMANJUNTAK", "related_name": "OPHELIA TAMPUBOLON"}
    records = canonical_rows(
        {**complaint, "complaint_type": "HILANG KONTAK"},  # filed by his sister
        {"full_name": "OPHELIA TAMPUBOLON"},  # her own record (same phone, same address)
        {"full_name": "HAMZAH SIMANJUNTAK"},  # his record
        {"full_name": "HAMZAH SIMANJUNTAK", "related_name": "HAMZAH", "complaint_type": "GAJI"},  # his own
        {"full_name": "OPHELIA TAMPUBOLON"},  # another record of hers
        {**complaint},  # a related name on a row that is no complaint (a family member on a form)
    )
    constraints = cannot_link(records)
    # Complaint + sister: conflict; complaint + worker: fine; his own report + his record: fine; the
    # sister's two records: fine; a non-complaint row's related name forbids nothing.
    assert conflicted_components(np.array([0, 0, 1, 1, 2, 2]), constraints).tolist() == [0]
    assert conflicted_components(np.array([0, 1, 0, 2, 3, 3]), constraints).tolist() == []
    assert conflicted_components(np.array([0, 1, 2, 3, 4, 1]), constraints).tolist() == []


def test_a_worker_reporting_herself_misspelt_or_by_calling_name_is_not_her_own_reporter() -> None:
    records = canonical_rows(
        {"full_name": "SUWSRNI", "related_name": "SUWARNI", "complaint_type": "GAJI"},  # a typo
        {"full_name": "SUWARNI"},
        {"full_name": "BAKIANTO", "related_name": "EKO BAKIANTO TUKIMAN", "complaint_type": "GAJI"},
        {"full_name": "EKO BAKIANTO TUKIMAN"},
        {"full_name": "DARIJAN PURNOMO", "related_name": "PURNOMO DARIJAN", "complaint_type": "GAJI"},
        {"full_name": "PURNOMO DARIJAN"},
    )
    assert conflicted_components(np.repeat(np.arange(3), 2), cannot_link(records)).tolist() == []


def test_two_civil_registry_rows_with_different_valid_niks_are_two_people() -> None:
    # Two YEYETs born the same day in different regencies: the NIKs decode to one birth date, so only
    # the registry rule tells them apart; the same two NIKs copied by another silo forbid nothing.
    twins_by_date = [
        {"nik": "3217247010950001", "nik_birth_date": "1995-10-30"},
        {"nik": "3276107010950001", "nik_birth_date": "1995-10-30"},
    ]
    registry = cannot_link(canonical_rows(*({**r, "source": "dukcapil"} for r in twins_by_date)))
    assert conflicted_components(np.array([0, 0]), registry).tolist() == [0]
    copied = cannot_link(canonical_rows(*({**r, "source": "p3mi"} for r in twins_by_date)))
    assert conflicted_components(np.array([0, 0]), copied).tolist() == []
    one_nik = cannot_link(canonical_rows(*({**twins_by_date[0], "source": "dukcapil"} for _ in range(2))))
    assert conflicted_components(np.array([0, 0]), one_nik).tolist() == []


def test_conflicted_components_are_the_same_on_the_hashed_and_the_grouped_path() -> None:
    """Components holding one key with two values: integer codes + hashing, and the DataFrame groupby
    kept for keys too large to pack, agree."""
    import numpy as np

    from linkage.constraints import CannotLink, conflicted_components

    labels = np.array([0, 0, 1, 1, 2, 2, 3])
    record = np.array([0, 1, 2, 3, 4, 5, 6, 0])
    value = np.array([5, 6, 5, 5, 1, 2, 9, 5])
    no_pairs = np.empty(0, np.int64)
    found = []
    for big in (0, 1 << 61):  # a key this large cannot share an int64 with a component number
        key = np.array([0, 0, 0, 0, 1, 2, 1, 3]) + big
        facts = CannotLink(len(labels), record, key, value, no_pairs, no_pairs)
        found.append(conflicted_components(labels, facts).tolist())
    # component 0: key 0 holds 5 and 6; component 1: key 0 holds 5 twice; component 2: different keys
    assert found == [[0], [0]]
