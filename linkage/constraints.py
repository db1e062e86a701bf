"""Cannot-link constraints: pairs of records that must never end up in one person.

All are hard: clustering refuses any merge that would put both sides in one cluster.

* **steward** — a steward decided NON_MATCH for the pair;
* **nik_birth_date** — two valid NIKs whose decoded birth dates differ. A NIK encodes the birth date, so
  two different valid NIKs with different dates are two people registered by Dukcapil; two NIKs with the
  *same* date may be one NIK mistyped and are left to the score;
* **family_card** — two rows of one family card (same ``kk_number`` and both with a ``family_role``)
  with different roles (a KEPALA KELUARGA is not the ISTRI on the same card), or with different valid
  NIKs (a card lists each member once: twins are two ANAK rows with one birth date but two NIKs);
* **registry_nik** — two rows of the civil registry (Dukcapil, the NIK's issuer) with different valid
  NIKs: the registry holds each person under one NIK, so these are two people even when both NIKs
  decode to the same birth date (a common name born on a common day, which at national scale is
  frequent). A steward who believes otherwise must have Dukcapil retire one NIK first;
* **reporter** — a complaint row filed by a relative and any record bearing that relative's name: the
  complaint's phone and address are the reporter's, so the reporter's own records agree with it on
  both and would otherwise outscore the worker it is about.

A NIK is *valid* here when its record has no ``nik_*`` flag and no ``*_nik_mismatch`` flag (the record's
own birth date and sex agree with the NIK): a NIK that contradicts its own record is most likely mistyped
and must not forbid anything. A card needs no ``kk_*`` flag.

The derived kinds are never materialised as pairs (two big regencies would give billions). Each record
carries *keyed facts*: (key, value) with key "NIK birth date" → the date, key "card K, role" → the role,
key "card K, NIK" → the NIK, key "reporter name N" → "reported by N" on the complaint and "is N" on every
record named N, key "registry NIK" → the NIK on registry rows. A group of records conflicts when it
holds two different values for one key. See :mod:`linkage.cluster` for how merges are checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .blocking import reporters

BIRTH_KEY = 0  # the one key of NIK birth-date facts; card keys follow (2 per card: role, NIK)
# Sources that issue NIKs rather than copy them: within these, two different valid NIKs are two people.
NIK_REGISTRY_SOURCES = frozenset({"dukcapil"})


@dataclass(frozen=True)
class CannotLink:
    """Constraint facts of one run's records (positions 0..size-1), in long format.

    fact_record/fact_key/fact_value: one entry per fact, integer codes; records may have several facts.
    steward_left/steward_right: record positions of steward NON_MATCH pairs.
    """

    size: int
    fact_record: np.ndarray
    fact_key: np.ndarray
    fact_value: np.ndarray
    steward_left: np.ndarray
    steward_right: np.ndarray

    def facts_of(self, records: np.ndarray) -> CannotLink:
        """The facts of a subset of records, renumbered 0..len(records)-1 (steward pairs inside only)."""
        local = np.full(self.size, -1, dtype=np.int64)
        local[records] = np.arange(len(records))
        keep = local[self.fact_record] >= 0
        inside = (local[self.steward_left] >= 0) & (local[self.steward_right] >= 0)
        return CannotLink(
            size=len(records),
            fact_record=local[self.fact_record[keep]],
            fact_key=self.fact_key[keep],
            fact_value=self.fact_value[keep],
            steward_left=local[self.steward_left[inside]],
            steward_right=local[self.steward_right[inside]],
        )


def _has_flag_prefix(flags: pd.Series, prefix: str) -> pd.Series:
    # flags is '|'-joined: match the prefix at the start or right after a separator.
    return flags.str.contains(rf"(?:^|\|){prefix}", regex=True)


def _steward_positions(records: pd.DataFrame, pairs: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    if pairs is None or not len(pairs):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    keys = pd.Index(records["record_key"])
    left = keys.get_indexer(pairs["left_key"])
    right = keys.get_indexer(pairs["right_key"])
    known = (left >= 0) & (right >= 0)  # a decided record may have left the sources
    return left[known].astype(np.int64), right[known].astype(np.int64)


def cannot_link(
    records: pd.DataFrame,
    non_match_pairs: pd.DataFrame | None = None,
    registry_sources: frozenset[str] = NIK_REGISTRY_SOURCES,
) -> CannotLink:
    """Constraint facts for ``records`` (canonical columns) plus steward NON_MATCH pairs.

    ``non_match_pairs`` has columns left_key, right_key (record keys); pairs naming a record that is not
    in ``records`` are ignored.
    """
    flags = records["flags"].fillna("").astype(str)
    nik = records["nik"].fillna("").astype(str)
    nik_birth = records["nik_birth_date"].fillna("").astype(str)
    suspect = _has_flag_prefix(flags, "nik_") | flags.str.contains("_nik_mismatch", regex=False)
    valid_nik = ((nik != "") & (nik_birth != "") & ~suspect).to_numpy()

    card = records["kk_number"].fillna("").astype(str)
    role = records["family_role"].fillna("").astype(str).str.strip().str.upper()
    on_card = ((card != "") & (role != "") & ~_has_flag_prefix(flags, "kk_")).to_numpy()

    birth_rows = np.flatnonzero(valid_nik)
    card_rows = np.flatnonzero(on_card)
    card_codes, _ = pd.factorize(card.to_numpy()[card_rows])
    role_codes, _ = pd.factorize(role.to_numpy()[card_rows])
    card_nik_rows = np.flatnonzero(on_card & valid_nik)
    nik_codes, _ = pd.factorize(nik.to_numpy()[card_nik_rows])
    birth_codes, _ = pd.factorize(nik_birth.to_numpy()[birth_rows])

    registry = records["source"].fillna("").astype(str).isin(registry_sources).to_numpy()
    registry_rows = np.flatnonzero(registry & valid_nik)
    registry_codes, _ = pd.factorize(nik.to_numpy()[registry_rows])

    # Keys: BIRTH_KEY, then 1 + 2*card for a card's roles and 2 + 2*card for a card's NIKs, then one
    # per reporter name, then the one registry-NIK key.
    card_of_row = np.full(len(records), -1, dtype=np.int64)
    card_of_row[card_rows] = card_codes
    reporter_rows, reporter_keys, reporter_values = _reporter_facts(records)
    reporter_base = 1 + 2 * (int(card_codes.max(initial=-1)) + 1)
    registry_key = reporter_base + int(reporter_keys.max(initial=-1)) + 1
    left, right = _steward_positions(records, non_match_pairs)
    return CannotLink(
        size=len(records),
        fact_record=np.concatenate(
            [birth_rows, card_rows, card_nik_rows, reporter_rows, registry_rows]
        ).astype(np.int64),
        fact_key=np.concatenate(
            [
                np.full(len(birth_rows), BIRTH_KEY),
                1 + 2 * card_codes,
                2 + 2 * card_of_row[card_nik_rows],
                reporter_base + reporter_keys,
                np.full(len(registry_rows), registry_key),
            ]
        ).astype(np.int64),
        fact_value=np.concatenate(
            [birth_codes, role_codes, nik_codes, reporter_values, registry_codes]
        ).astype(np.int64),
        steward_left=left,
        steward_right=right,
    )


REPORTED_BY, IS_REPORTER = 0, 1  # the two values of a reporter-name fact


def _reporter_facts(records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(record, reporter-name code, REPORTED_BY or IS_REPORTER) for complaints filed by someone else
    and for the records bearing those reporters' names; only names some complaint was filed by."""
    reporter, name = reporters(records)
    codes, uniques = pd.factorize(reporter.replace("", None))
    filed = np.flatnonzero(codes >= 0)
    named = pd.Index(uniques).get_indexer(name.replace("", None))
    bearers = np.flatnonzero(named >= 0)
    return (
        np.concatenate([filed, bearers]),
        np.concatenate([codes[filed], named[bearers]]),
        np.concatenate([np.full(len(filed), REPORTED_BY), np.full(len(bearers), IS_REPORTER)]),
    )


def conflicted_components(labels: np.ndarray, constraints: CannotLink) -> np.ndarray:
    """Component labels (of ``labels``, one per record) that hold at least one cannot-link pair.

    Vectorised: the clustering only runs its merge-by-merge loop on these components.
    """
    component = labels[constraints.fact_record].astype(np.int64)
    key, value = constraints.fact_key, constraints.fact_value
    keys, values = int(key.max(initial=0)) + 1, int(value.max(initial=0)) + 1
    facts = len(component)
    if int(component.max(initial=0) + 1) * keys < 2**62 and (facts + 1) * values < 2**62:
        # Integer codes and hashing: a DataFrame drop_duplicates + groupby took seconds per million facts.
        group, group_keys = pd.factorize(component * keys + key)  # one code per (component, key)
        distinct = pd.unique(group.astype(np.int64) * values + value) // values  # once per distinct value
        conflicted = np.flatnonzero(np.bincount(distinct, minlength=len(group_keys)) > 1)
        two_values = np.asarray(group_keys)[conflicted] // keys
    else:
        table = pd.DataFrame({"c": component, "k": key, "v": value})
        per_key = table.drop_duplicates().groupby(["c", "k"]).size()
        two_values = per_key.index.get_level_values("c")[per_key.to_numpy() > 1].to_numpy()
    same = labels[constraints.steward_left] == labels[constraints.steward_right]
    return np.unique(np.concatenate([two_values, labels[constraints.steward_left[same]]]).astype(np.int64))
