"""Comparison families on hand-built pairs: each case lands on the level named in the test."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from linkage.blocking import blocking_keys
from linkage.comparison.base import NULL_LEVEL, Comparison
from linkage.comparison.dates import DateComparison
from linkage.comparison.identifiers import IdentifierComparison, PrefixComparison
from linkage.comparison.kernels import PairFrame
from linkage.comparison.names import NameComparison, StringComparison
from linkage.comparison.nik import NikComparison
from linkage.standardise.names import parse_name


def _levels(comparison: Comparison, pairs: list[tuple[dict[str, str], dict[str, str]]]) -> list[str]:
    """Compare each (left, right) row pair; returns level labels."""
    rows = [row for pair in pairs for row in pair]
    columns = sorted({c for row in rows for c in row})
    records = pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows])
    records["record_key"] = [f"s:{i}" for i in range(len(records))]
    if "full_name" in records or "nik" in records:
        records = blocking_keys(records)
    left = np.arange(0, len(rows), 2)
    levels = comparison.compare(PairFrame(records, left, left + 1))
    return [comparison.label(int(level)) for level in levels]


def _nik(value: str) -> dict[str, str]:
    return {"nik_trusted": value, "informative_keys_sorted": "ANS"}


def _one(comparison: Comparison, left: dict[str, str], right: dict[str, str]) -> str:
    return _levels(comparison, [(left, right)])[0]


NIK = "3201014506900001"


def test_nik_levels() -> None:
    nik = NikComparison()
    cases = {
        "exact": NIK,
        "transposition": "3201015406900001",  # 45 → 54
        "one_edit": "3201014506800001",  # one wrong digit in the birth date
        "serial_only_same_name": "3201014506900002",  # same region and date, another serial
        "same_birth_segment": "3302024506900099",  # another region and serial, same DDMMYY
        "different": "3201011203850002",
        "null": "",
    }
    for expected, other in cases.items():
        assert _one(nik, _nik(NIK), _nik(other)) == expected, expected


def test_a_serial_difference_with_another_name_looks_like_a_twin() -> None:
    person = {"nik_trusted": NIK, "informative_keys_sorted": "ANS"}
    twin = {"nik_trusted": "3201014506900002", "informative_keys_sorted": "ANT"}
    assert _one(NikComparison(), person, twin) == "serial_only"


def test_nik_with_a_dropped_digit_is_one_edit() -> None:
    assert _one(NikComparison(), _nik(NIK), _nik(NIK[:-1])) == "one_edit"


def test_a_nik_field_holding_a_family_card_number_is_not_compared_as_a_nik() -> None:
    records = pd.DataFrame(
        {"record_key": ["a:1", "b:1"], "nik": [NIK, NIK], "flags": ["", "nik_looks_like_kk"]}
    )
    keys = blocking_keys(records)
    assert keys["nik_trusted"].tolist() == [NIK, ""]


def test_dates_tolerate_day_month_swaps_year_slips_and_typos() -> None:
    dates = DateComparison()
    base = {"birth_date": "1990-03-04"}
    cases = {
        "exact": {"birth_date": "1990-03-04"},
        "day_month_swap": {"birth_date": "1990-04-03"},
        "one_digit": {"birth_date": "1990-08-04"},
        "year_off_by_one": {"birth_date": "1991-03-04"},
        "same_year": {"birth_date": "1990-11-20"},
        "different": {"birth_date": "1975-03-04"},
        "null": {"birth_date": ""},
    }
    for expected, other in cases.items():
        assert _one(dates, base, other) == expected, expected


def test_an_ambiguous_date_agrees_through_its_alternative_reading() -> None:
    left = {"birth_date": "1990-01-02", "birth_date_alt": "1990-02-01"}
    assert (
        _one(DateComparison(), left, {"birth_date": "1990-02-01", "birth_date_alt": ""}) == "day_month_swap"
    )


def test_unparseable_date_is_missing_not_different() -> None:
    assert _one(DateComparison(), {"birth_date": "1990-03-04"}, {"birth_date": "UNKNOWN"}) == "null"


def _name(full_name: str) -> dict[str, str]:
    """A record's name fields as standardisation fills them."""
    parsed = parse_name(full_name)
    return {
        "full_name": full_name,
        "name_tokens": " ".join(parsed.tokens),
        "alias_names": "|".join(parsed.aliases),
        "father_name": parsed.father_name,
    }


def test_old_spelling_and_muhammad_variants_are_a_phonetic_match() -> None:
    name = NameComparison()
    assert _one(name, _name("MOCHAMAD DJOKO SANTOSO"), _name("MUHAMMAD JOKO SANTOSO")) == "phonetic"
    similarity = JaroWinkler.normalized_similarity("MOCHAMAD DJOKO SANTOSO", "MUHAMMAD JOKO SANTOSO")
    assert similarity > 0.75


def test_name_levels() -> None:
    name = NameComparison()
    assert _levels(
        name,
        [
            (_name("SITI AMINAH"), _name("SITI AMINAH")),
            (_name("BUDI SANTOSO"), _name("SANTOSO BUDI")),
            (_name("BUDI SANTOSO ALS ANTO"), _name("ANTO")),
            (_name("KARTINI SUPARMI"), _name("KARTINI SUPARNI")),
            (_name("BUDI PRASETYO SANTOSO"), _name("BUDI SANTOSO")),
            (_name("SITI AMINAH"), _name("SITI RAHAYU")),
            (_name("SITI AMINAH"), _name("")),
        ],
    ) == ["exact", "phonetic", "alias", "close", "subset", "different", "null"]


def test_aliases_match_either_way_round() -> None:
    name = NameComparison()
    assert _levels(
        name,
        [
            (_name("ANTO"), _name("BUDI SANTOSO ALS ANTO")),
            (_name("BUDI SANTOSO (ANTO)"), _name("SLAMET ALS ANTO")),
            (_name("BUDI SANTOSO ALS ANTO"), _name("SLAMET RIYADI")),
        ],
    ) == ["alias", "alias", "different"]


def test_a_calling_name_from_the_middle_of_the_full_name_is_a_subset() -> None:
    # SUYATI ~ PUJI SUYATI LESTARI: Jaro–Winkler 0.61, under the bar that keeps other far-apart names
    # from the token test, but a one-key name is tested at any similarity.
    assert JaroWinkler.normalized_similarity("SUYATI", "PUJI SUYATI LESTARI") < 0.7
    name = NameComparison()
    assert _levels(
        name,
        [
            (_name("SUYATI"), _name("PUJI SUYATI LESTARI")),
            (_name("SUYATI"), _name("PUJI RAHAYU LESTARI")),
            # Two keys that far apart in spelling stay untested: they are not a calling name.
            (_name("YUSUF WIDODO"), _name("EKO BAMBANG WIDODO YUSUF")),
        ],
    ) == ["subset", "different", "different"]


def test_sharing_only_a_low_information_token_is_no_subset() -> None:
    assert _one(NameComparison(), _name("SITI"), _name("SITI AMINAH")) != "subset"


def test_a_patronymic_does_not_make_names_differ() -> None:
    assert _one(NameComparison(), _name("SITI AMINAH BINTI KARTO"), _name("SITI AMINAH")) == "exact"


def test_string_comparison_thresholds() -> None:
    mother = StringComparison("mother_name", "mother_name", thresholds=(0.92, 0.8))
    assert _levels(
        mother,
        [
            ({"mother_name": "KARTINI"}, {"mother_name": "KARTINI"}),
            ({"mother_name": "KARTINI"}, {"mother_name": "KARTINAH"}),
            ({"mother_name": "KARTINI"}, {"mother_name": "SUMIATI"}),
        ],
    ) == ["exact", "similarity>=0.92", "different"]


def test_a_phone_that_is_not_the_persons_own_counts_only_when_it_agrees() -> None:
    phone = IdentifierComparison("phone", "phone", disagreement_column="own_phone")
    relatives = {"phone": "+6285711223344", "own_phone": ""}  # the reporter's number on a complaint
    worker = {"phone": "+6281234500001", "own_phone": "+6281234500001"}
    family_number = {"phone": "+6285711223344", "own_phone": "+6285711223344"}
    assert _levels(
        phone,
        [(relatives, worker), (relatives, family_number), (worker, {**worker, "phone": "+6281299990000"})],
    ) == ["null", "exact", "different"]


def test_identifier_and_prefix_levels() -> None:
    passport = IdentifierComparison("passport", "passport_number")
    assert _levels(
        passport,
        [
            ({"passport_number": "C1234567"}, {"passport_number": "C1234567"}),
            ({"passport_number": "C1234567"}, {"passport_number": "C1234561"}),
            ({"passport_number": "C1234567"}, {"passport_number": "B7654321"}),
        ],
    ) == ["exact", "one_edit", "different"]
    region = PrefixComparison("region", "region_code")
    assert _levels(
        region,
        [
            ({"region_code": "32.12.01"}, {"region_code": "32.12.05"}),
            ({"region_code": "32.12.01"}, {"region_code": "32.01.01"}),
            ({"region_code": "32.12.01"}, {"region_code": "33.12.01"}),
        ],
    ) == ["prefix_4", "prefix_2", "different"]


def test_similarity_is_computed_per_distinct_value_pair_in_either_order() -> None:
    records = pd.DataFrame({"v": ["BUDI", "BUDY", "BUDI", "", "BUDY"]})
    left, right = np.array([0, 1, 2, 0, 4]), np.array([1, 2, 4, 3, 0])
    scores = PairFrame(records, left, right).similarity("v", JaroWinkler.normalized_similarity)
    direct = [
        JaroWinkler.normalized_similarity(records.v[a], records.v[b])
        for a, b in zip(left, right, strict=True)
    ]
    assert np.isnan(scores[3])
    np.testing.assert_allclose(np.delete(scores, 3), np.delete(np.array(direct), 3))


def test_missing_level_is_null() -> None:
    assert NULL_LEVEL == -1
    assert NikComparison().label(NULL_LEVEL) == "null"


def test_pairs_compared_in_chunks_get_the_levels_of_one_pass() -> None:
    """The backend compares pairs in chunks that share per-record caches (codes, NIK segments, date
    fields, token sets, cross-field codes): every chunking must give the levels of a single pass."""
    from linkage.comparison.defaults import default_comparisons
    from tests.unit.canonical_rows import standardised_rows

    people = [
        {"full_name": "Mochamad Djoko Santoso", "nik": "3212051207850003", "birth_date": "12-07-1985"},
        {"full_name": "Muhammad Joko Santoso", "nik": "3212051207850003", "birth_date": "1985-07-12"},
        {"full_name": "SITI AMINAH", "nik": "3212055403900001", "birth_date": "03/04/1990"},
        {"full_name": "Siti Aminah binti Karto", "nik": "3212055403900002", "birth_date": "1990-04-03"},
        {"full_name": "AMINAH alias SITI", "nik": "", "birth_date": ""},
        {"full_name": "Endang Suwarni", "nik": "3301074208900002", "birth_date": "1991-04-03"},
        {"full_name": "ENDABG SUWARNI", "nik": "3301074208900020", "birth_date": "1990-13-45"},
    ]
    rows = [{"source": "s", "record_id": str(i), **person} for i, person in enumerate(people)]
    records = blocking_keys(standardised_rows(*rows))
    left, right = np.triu_indices(len(records), 1)
    comparisons = default_comparisons()
    whole = [c.compare(PairFrame(records, left, right)) for c in comparisons]
    for size in (1, 4, 7):
        view = PairFrame(records, np.empty(0, np.int64), np.empty(0, np.int64))
        chunked = [np.empty(len(left), dtype=np.int8) for _ in comparisons]
        for start in range(0, len(left), size):
            chunk = view.for_pairs(left[start : start + size], right[start : start + size])
            for c, comparison in enumerate(comparisons):
                chunked[c][start : start + size] = comparison.compare(chunk)
        for comparison, one_pass, in_chunks in zip(comparisons, whole, chunked, strict=True):
            assert in_chunks.tolist() == one_pass.tolist(), (comparison.name, size)
    # The case is not trivial: several levels occur.
    assert len({int(v) for level in whole for v in level}) > 3
