"""Blocking: which record pairs are worth comparing at all.

Several passes (rules), each an exact match on a tuple of key columns; a pair found by several rules is
kept once and credited to the first rule that found it. Blocks larger than ``max_block_size`` (common
names, a broker's phone shared by hundreds of workers) are split by a sub-key and, if still too big,
skipped — both are counted in the report, never silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from .comparison.phonetic import informative_names, name_token_keys, sorted_keys
from .standardise.nik import LOOKS_LIKE_KK

MISSING = -1
NIK_IS_KK = f"nik_{LOOKS_LIKE_KK}"  # the flag standardisation puts on a NIK field holding a KK number


@dataclass(frozen=True)
class BlockingRule:
    """Records agreeing on every column of ``on`` (none empty) become candidate pairs."""

    name: str
    on: tuple[str, ...]
    sub_block_on: str = "sex"  # splits an oversized block before it is capped
    # A pair whose two records both have this column is dropped: the rule exists for records that lack
    # it (a complaint row without a birth date), and a stronger rule on it already paired the others.
    unless_both_have: str | None = None

    def columns(self) -> tuple[str, ...]:
        """The key columns the rule must find in the records."""
        return self.on if self.unless_both_have is None else (*self.on, self.unless_both_have)


def default_blocking_rules() -> tuple[BlockingRule, ...]:
    """Passes for the canonical LTSA table (columns from :func:`blocking_keys`)."""
    return (
        BlockingRule("nik", ("nik_trusted",), sub_block_on="birth_year"),
        BlockingRule("name_birth_year", ("name_keys_sorted", "birth_year")),
        BlockingRule("passport", ("passport_number",), sub_block_on="birth_year"),
        BlockingRule("phone", ("phone",), sub_block_on="birth_year"),
        BlockingRule("kk_first_name", ("kk_number", "first_name_key")),
        BlockingRule("mother_birth_year", ("mother_key", "birth_year")),
        BlockingRule("birth_date_first_name", ("birth_date", "first_name_key")),
        BlockingRule("birth_date_last_name", ("birth_date", "last_name_key")),
        BlockingRule("nik_birth_date_first_name", ("nik_birth_date", "first_name_key")),
        # A complaint names the worker as a relative says it (no NIK, no birth date) beside the
        # reporter's address, which is the household's: same address + one name key reaches the worker.
        BlockingRule("household_first_name", ("address", "first_name_key")),
        BlockingRule("household_last_name", ("address", "last_name_key")),
        BlockingRule("household_name", ("address", "informative_keys_sorted")),
        # A complaint's name with a typo (ENDABG for ENDANG) has no name key in common with the worker:
        # the household alone, for the records without a birth year (complaints, nearly all).
        BlockingRule("household_undated", ("address",), unless_both_have="birth_year"),
        # The sponsor (calo) who recruited the worker, as the family and the agency's list name him.
        BlockingRule("broker_first_name", ("broker_name", "first_name_key")),
        # No address either: the worker's name and the country the complaint is about.
        BlockingRule(
            "name_country", ("name_keys_sorted", "destination_country"), unless_both_have="birth_year"
        ),
    )


# Columns blocking_keys derives its keys from (the backend passes only these and what rules and
# comparisons name: at a million people, copying the canonical table's raw and context columns costs GBs).
KEY_INPUTS = (
    "record_key",
    "source",
    "nik",
    "flags",
    "full_name",
    "name_tokens",
    "alias_names",
    "birth_date",
    "mother_name",
    "phone",
    "related_name",
    "complaint_type",
)


def blocking_keys(records: pd.DataFrame) -> pd.DataFrame:
    """The records with the derived keys that rules block on and comparisons read (missing = "")."""
    keys = records.copy()
    names = _name_source(records)
    # Every name-derived key is a function of the name alone: computed once per distinct name (a
    # million people have far fewer), then spread to the records.
    code, distinct = pd.factorize(names)
    per_name = _name_keys(pd.Series(distinct, dtype=object))
    for column, values in per_name.items():
        keys[column] = pd.Series(values.to_numpy()[code], index=records.index, dtype=object)
    informative = keys["name_informative"]
    aliases = records["alias_names"].fillna("") if "alias_names" in records else ""
    keys["names_and_aliases"] = names + "|" + aliases
    if "phone" in records:
        by_someone_else, _ = _other_reporter(records, informative)
        keys["own_phone"] = records["phone"].fillna("").where(~by_someone_else, "")
    if "nik" in records:
        keys["nik_trusted"] = _trusted_nik(records)
    if "birth_date" in records:
        keys["birth_year"] = records["birth_date"].fillna("").str[:4]
    if "mother_name" in records:
        keys["mother_key"] = sorted_keys(name_token_keys(records["mother_name"]))
    return keys


def _name_keys(names: pd.Series) -> dict[str, pd.Series]:
    """The name-derived key columns of :func:`blocking_keys`, for each of ``names``."""
    token_keys = name_token_keys(names)
    informative = informative_names(names)
    informative_keys = name_token_keys(informative)
    split = informative_keys.str.split()
    return {
        "name_text": names,
        "name_informative": informative,
        "name_informative_sorted": sorted_keys(informative),
        "name_token_keys": token_keys,
        "name_informative_keys": informative_keys,
        "name_keys_sorted": sorted_keys(token_keys),
        "informative_keys_sorted": sorted_keys(informative_keys),
        # First/last *informative* token: "I WAYAN SUDARSANA" blocks on SUDARSANA, not on "I".
        "first_name_key": split.str[0].fillna(""),
        "last_name_key": split.str[-1].fillna(""),
    }


def _trusted_nik(records: pd.DataFrame) -> pd.Series:
    """The NIK, blanked where standardisation found a family-card number in the NIK field: comparing
    it as a NIK would match the whole family."""
    nik = records["nik"].fillna("")
    if "flags" not in records:
        return nik
    return nik.where(~records["flags"].fillna("").str.contains(NIK_IS_KK, regex=False), "")


def reporters(records: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per record: the sorted informative name keys of whoever filed it when it is a complaint filed by
    someone other than the worker it names ("" elsewhere), and its own name's sorted informative keys."""
    names = informative_names(_name_source(records))
    _, reporter = _other_reporter(records, names)
    return reporter, sorted_keys(name_token_keys(names))


SELF_REPORT_SIMILARITY = 0.8  # a reporter's name this close to the worker's is her own, misspelt


def _other_reporter(records: pd.DataFrame, names: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Complaint rows filed (``related_name``) by someone other than the worker they name, and that
    reporter's sorted informative name keys ("" elsewhere). Such a row carries the reporter's phone, not
    the worker's (``own_phone`` blanks it), and the reporter's own records are not the worker's (a
    cannot-link, linkage.constraints). ``names``: the rows' informative names.

    The reporter is the worker herself when the two names share an informative key (an order swap, a
    calling name: BAKIANTO filed by EKO BAKIANTO TUKIMAN) or are spelt nearly alike (SUWSRNI filed by
    SUWARNI); a relative's name shares neither."""
    if "related_name" not in records or "complaint_type" not in records:
        return pd.Series(False, index=records.index), pd.Series("", index=records.index)
    reporter = records["related_name"].fillna("").where(records["complaint_type"].fillna("") != "", "")
    reporter_names = informative_names(reporter)
    reporter_keys = name_token_keys(reporter_names)
    filed = reporter != ""
    name_keys = name_token_keys(names[filed])
    other = [
        not set(their_keys.split()) & set(my_keys.split())
        and JaroWinkler.normalized_similarity(theirs, mine) < SELF_REPORT_SIMILARITY
        for their_keys, my_keys, theirs, mine in zip(
            reporter_keys[filed], name_keys, reporter_names[filed], names[filed], strict=True
        )
    ]
    by_someone_else = pd.Series(False, index=records.index)
    by_someone_else.loc[filed] = np.asarray(other, dtype=bool)
    return by_someone_else, sorted_keys(reporter_keys).where(by_someone_else, "")


def _name_source(records: pd.DataFrame) -> pd.Series:
    """Standardised name tokens when present, else the full name."""
    if "name_tokens" in records:
        tokens = records["name_tokens"].fillna("")
        if "full_name" in records:
            return tokens.where(tokens != "", records["full_name"].fillna(""))
        return tokens
    if "full_name" in records:
        return records["full_name"].fillna("")
    return pd.Series("", index=records.index)


@dataclass
class CandidatePairs:
    """Candidate pairs as positions into the records table (left < right), with the finding rule."""

    left: np.ndarray
    right: np.ndarray
    rule: np.ndarray  # index into the rules tuple
    report: dict[str, Any]


def candidate_pairs(
    keys: pd.DataFrame,
    rules: tuple[BlockingRule, ...],
    max_block_size: int,
    cross_source_only: bool = False,
    truth: pd.Series | None = None,
) -> CandidatePairs:
    """Run every rule over ``keys`` (from :func:`blocking_keys`) and deduplicate the pairs across rules."""
    n = len(keys)
    per_rule: list[dict[str, Any]] = []
    ids: list[np.ndarray] = []
    rule_of: list[np.ndarray] = []
    source = pd.factorize(keys["source"])[0] if cross_source_only else None
    columns = _ColumnCodes(keys)
    for i, rule in enumerate(rules):
        missing = [c for c in rule.columns() if c not in keys]
        if missing:
            raise ValueError(f"blocking rule {rule.name!r} needs columns the records lack: {missing}")
        codes = columns.group(rule.on)
        sub = columns.group((*rule.on, rule.sub_block_on)) if rule.sub_block_on in keys else None
        left, right, stats = _pairs_within_blocks(codes, sub, max_block_size)
        if source is not None:
            keep = source[left] != source[right]
            left, right = left[keep], right[keep]
        if rule.unless_both_have is not None:
            left, right = _unless_both_have(keys, rule, left, right)
        pair_id = left.astype(np.int64) * n + right
        ids.append(pair_id)
        rule_of.append(np.full(len(pair_id), i, dtype=np.int16))
        per_rule.append({"rule": rule.name, "on": list(rule.on), "pairs": len(pair_id), **stats})
    all_ids = np.concatenate(ids) if ids else np.empty(0, dtype=np.int64)
    all_rules = np.concatenate(rule_of) if rule_of else np.empty(0, dtype=np.int16)
    unique_ids, found_by = _first_finding(all_ids, all_rules, len(rules))
    for i, entry in enumerate(per_rule):
        entry["new_pairs"] = int(np.count_nonzero(found_by == i))
    left = (unique_ids // n).astype(np.int64)
    right = (unique_ids % n).astype(np.int64)
    report: dict[str, Any] = {"records": n, "rules": per_rule, "total_pairs": len(unique_ids)}
    if n > 1:
        report["reduction_ratio"] = 1.0 - len(unique_ids) / (n * (n - 1) / 2)
    if truth is not None:
        report.update(pair_completeness(keys, left, right, truth))
    return CandidatePairs(left, right, found_by, report)


def _first_finding(ids: np.ndarray, rule: np.ndarray, rules: int) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct pair id once, sorted, with the first rule that found it.

    The rule number rides in the low bits of one int64 per finding, so one plain sort orders the
    pairs and puts each pair's first rule first (np.unique(return_index=True) needs a stable indirect
    sort, and hashing then sorting cost twice as much at a million people)."""
    bits = max(int(rules - 1).bit_length(), 1)
    if len(ids) == 0 or int(ids.max()) < 2 ** (62 - bits):
        tagged = np.sort((ids << bits) | rule.astype(np.int64))
        pair = tagged >> bits
        first = np.ones(len(pair), dtype=bool)
        first[1:] = pair[1:] != pair[:-1]
        return pair[first], (tagged[first] & ((1 << bits) - 1)).astype(np.int16)
    unique_ids, position = np.unique(ids, return_index=True)
    return unique_ids, rule[position]


def _unless_both_have(
    keys: pd.DataFrame, rule: BlockingRule, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs in which at least one record lacks ``rule.unless_both_have``."""
    has = (keys[str(rule.unless_both_have)].fillna("").astype(str) != "").to_numpy()
    keep = ~(has[left] & has[right])
    return left[keep], right[keep]


class _ColumnCodes:
    """Each key column factorised once (rules share columns: address, first_name_key, birth_year)."""

    def __init__(self, keys: pd.DataFrame) -> None:
        self.keys = keys
        self._codes: dict[str, tuple[np.ndarray, int]] = {}

    def of(self, column: str) -> tuple[np.ndarray, int]:
        """(code per record, MISSING where empty; number of distinct values)."""
        if column not in self._codes:
            codes, uniques = pd.factorize(self.keys[column], use_na_sentinel=True)  # NA → MISSING
            empty = np.flatnonzero(pd.Index(uniques).astype(str) == "")
            codes = codes.astype(np.int64)
            if len(empty):  # "" is missing too; its code is left as a gap (codes need not be dense)
                codes[codes == empty[0]] = MISSING
            self._codes[column] = (codes, len(uniques))
        return self._codes[column]

    def group(self, columns: tuple[str, ...]) -> np.ndarray:
        """One integer per record identifying its block; MISSING when any key column is empty."""
        combined, empty = np.zeros(len(self.keys), dtype=np.int64), np.zeros(len(self.keys), dtype=bool)
        for column in columns:
            codes, distinct = self.of(column)
            empty |= codes == MISSING
            combined = combined * (distinct + 1) + codes
            if len(columns) > 1:  # refactorised, so the combined code stays below the record count
                combined = pd.factorize(combined)[0].astype(np.int64)
        combined[empty] = MISSING
        return combined


def _pairs_within_blocks(
    codes: np.ndarray, sub_codes: np.ndarray | None, max_block_size: int
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """All pairs inside each block; oversized blocks fall back to sub-blocks, then are skipped."""
    sizes = np.bincount(codes[codes != MISSING]) if np.any(codes != MISSING) else np.zeros(0, np.int64)
    too_big = np.zeros(len(codes), dtype=bool)
    valid = codes != MISSING
    too_big[valid] = sizes[codes[valid]] > max_block_size
    stats: dict[str, Any] = {
        "blocks": int(np.count_nonzero(sizes)),
        "largest_block": int(sizes.max()) if len(sizes) else 0,
        "oversized_blocks": int(np.count_nonzero(sizes > max_block_size)),
        "capped_records": 0,
    }
    effective = np.where(too_big, MISSING, codes)
    left, right = _pairs_of_codes(effective)
    if sub_codes is not None and too_big.any():
        sub = np.where(too_big, sub_codes, MISSING)
        sub_sizes = np.bincount(sub[sub != MISSING]) if np.any(sub != MISSING) else np.zeros(0, np.int64)
        still_big = np.zeros(len(sub), dtype=bool)
        has_sub = sub != MISSING
        still_big[has_sub] = sub_sizes[sub[has_sub]] > max_block_size
        stats["capped_records"] = int(np.count_nonzero(too_big & (still_big | ~has_sub)))
        sub_left, sub_right = _pairs_of_codes(np.where(still_big, MISSING, sub))
        left, right = np.concatenate([left, sub_left]), np.concatenate([right, sub_right])
    elif too_big.any():
        stats["capped_records"] = int(np.count_nonzero(too_big))
    return left, right, stats


def _pairs_of_codes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j), i < j, with codes[i] == codes[j] != MISSING — vectorised by offset within a block."""
    members = np.flatnonzero(codes != MISSING)
    order = members[np.argsort(codes[members], kind="stable")]
    sorted_codes = codes[order]
    if len(order) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1]
    sizes = np.diff(np.r_[starts, len(order)])
    block_end = np.repeat(starts + sizes, sizes)
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    positions = np.arange(len(order))
    offset = 1
    # Each step pairs every member with the one ``offset`` places later in its block; members whose
    # block is exhausted drop out, so the total work is proportional to the number of pairs.
    while len(positions):
        positions = positions[positions + offset < block_end[positions]]
        a, b = order[positions], order[positions + offset]
        lefts.append(np.minimum(a, b))
        rights.append(np.maximum(a, b))
        offset += 1
    return np.concatenate(lefts).astype(np.int64), np.concatenate(rights).astype(np.int64)


def pair_completeness(
    keys: pd.DataFrame, left: np.ndarray, right: np.ndarray, truth: pd.Series
) -> dict[str, Any]:
    """Share of true pairs (same entity per ``truth``) that blocking kept."""
    entity = truth.reindex(keys["record_key"]).to_numpy()
    codes, _ = pd.factorize(entity)
    known = codes[codes >= 0]
    counts = np.bincount(known) if len(known) else np.zeros(0, np.int64)
    true_pairs = int((counts * (counts - 1) // 2).sum())
    found = int(np.count_nonzero((codes[left] == codes[right]) & (codes[left] >= 0)))
    return {
        "true_pairs": true_pairs,
        "true_pairs_found": found,
        "pair_completeness": found / true_pairs if true_pairs else 1.0,
    }
