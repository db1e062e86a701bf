"""Blocking: pairs within blocks, deduplication across rules, oversized blocks, pair completeness."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.blocking import BlockingRule, CandidatePairs, blocking_keys, candidate_pairs


def _frame(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"record_key": [f"s:{i}" for i in range(n)], "source": ["s"] * n, **columns})


def _pairs(result: CandidatePairs) -> set[tuple[int, int]]:
    return set(zip(result.left.tolist(), result.right.tolist(), strict=True))


def test_pairs_every_record_of_a_block_and_skips_empty_keys() -> None:
    keys = _frame(nik=["1", "1", "1", "2", "", ""])
    result = candidate_pairs(keys, (BlockingRule("nik", ("nik",)),), max_block_size=10)
    assert _pairs(result) == {(0, 1), (0, 2), (1, 2)}


def test_a_pair_found_by_two_rules_is_kept_once_and_credited_to_the_first() -> None:
    keys = _frame(nik=["1", "1", "3"], phone=["9", "9", "9"])
    rules = (BlockingRule("nik", ("nik",)), BlockingRule("phone", ("phone",)))
    result = candidate_pairs(keys, rules, max_block_size=10)
    assert _pairs(result) == {(0, 1), (0, 2), (1, 2)}
    by_rule = {r["rule"]: r for r in result.report["rules"]}
    assert (by_rule["nik"]["pairs"], by_rule["nik"]["new_pairs"]) == (1, 1)
    assert (by_rule["phone"]["pairs"], by_rule["phone"]["new_pairs"]) == (3, 2)
    assert result.report["total_pairs"] == 3


def test_an_oversized_block_is_sub_blocked_then_capped_and_reported() -> None:
    # Six records share a phone (a broker's); sub-blocking by birth year leaves one pair; the four with
    # no birth year cannot be sub-blocked and are capped.
    keys = _frame(phone=["9"] * 6, birth_year=["1990", "1990", "", "", "", ""])
    rule = BlockingRule("phone", ("phone",), sub_block_on="birth_year")
    result = candidate_pairs(keys, (rule,), max_block_size=3)
    assert _pairs(result) == {(0, 1)}
    entry = result.report["rules"][0]
    assert entry["oversized_blocks"] == 1
    assert entry["largest_block"] == 6
    assert entry["capped_records"] == 4


def test_cross_source_only_drops_pairs_inside_one_source() -> None:
    keys = _frame(nik=["1", "1", "1"])
    keys["source"] = ["a", "a", "b"]
    result = candidate_pairs(keys, (BlockingRule("nik", ("nik",)),), 10, cross_source_only=True)
    assert _pairs(result) == {(0, 2), (1, 2)}


def test_pair_completeness_counts_true_pairs_found() -> None:
    keys = _frame(nik=["1", "1", "2", "3"])
    truth = pd.Series(["p", "p", "q", "q"], index=keys["record_key"])
    result = candidate_pairs(keys, (BlockingRule("nik", ("nik",)),), 10, truth=truth)
    assert result.report["true_pairs"] == 2
    assert result.report["true_pairs_found"] == 1
    assert result.report["pair_completeness"] == 0.5


def test_a_rule_on_a_column_the_records_lack_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="passport_number"):
        candidate_pairs(_frame(nik=["1"]), (BlockingRule("passport", ("passport_number",)),), 10)


def test_unless_both_have_keeps_only_pairs_where_a_record_lacks_the_column() -> None:
    # Three records share a name; two state a birth year, so only the undated one is paired with each.
    keys = _frame(name=["X", "X", "X", "Y"], birth_year=["1990", "1985", "", ""])
    rule = BlockingRule("name", ("name",), unless_both_have="birth_year")
    result = candidate_pairs(keys, (rule,), max_block_size=10)
    assert _pairs(result) == {(0, 2), (1, 2)}
    assert result.report["rules"][0]["pairs"] == 2


def test_unless_both_have_on_a_column_the_records_lack_is_a_clear_error() -> None:
    rule = BlockingRule("name", ("name",), unless_both_have="birth_year")
    with pytest.raises(ValueError, match="birth_year"):
        candidate_pairs(_frame(name=["X", "X"]), (rule,), 10)


def test_blocking_keys_fold_spelling_order_and_skip_low_information_tokens() -> None:
    records = _frame(
        full_name=["MOCHAMAD DJOKO SANTOSO", "SANTOSO MUHAMMAD JOKO", "I WAYAN SUDARSANA"],
        birth_date=["1990-01-02", "1990-03-04", ""],
    )
    keys = blocking_keys(records)
    assert keys["name_keys_sorted"][0] == keys["name_keys_sorted"][1]
    assert keys["birth_year"].tolist() == ["1990", "1990", ""]
    assert keys["first_name_key"][2] == keys["last_name_key"][2]  # SUDARSANA: I and WAYAN carry nothing


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", ""]), min_size=0, max_size=25))
def test_pairs_equal_brute_force(values: list[str]) -> None:
    keys = _frame(k=values) if values else _frame(k=[])
    result = candidate_pairs(keys, (BlockingRule("k", ("k",)),), max_block_size=100)
    expected = {
        (i, j)
        for i, j in itertools.combinations(range(len(values)), 2)
        if values[i] and values[i] == values[j]
    }
    assert _pairs(result) == expected
    assert np.all(result.left < result.right)


def test_each_pair_is_credited_to_the_first_rule_that_found_it_on_both_paths() -> None:
    """Pair ids with the rule in their low bits (one sort), and plain np.unique for ids too large to
    share an int64 with the rule number: same pairs, sorted, each with its earliest rule."""
    from linkage.blocking import _first_finding

    ids = np.array([7, 3, 9, 3, 7, 1, 9, 9], dtype=np.int64)
    rule = np.array([0, 0, 0, 1, 1, 2, 2, 2], dtype=np.int16)
    expected = ([1, 3, 7, 9], [2, 0, 0, 0])
    for shift in (0, 60):  # 2**60 + id no longer leaves room for the rule bits
        unique, first = _first_finding(ids + (1 << shift if shift else 0), rule, rules=3)
        assert (unique - (1 << shift if shift else 0)).tolist() == expected[0]
        assert first.tolist() == expected[1]
