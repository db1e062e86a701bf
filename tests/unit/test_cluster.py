"""Constraint-aware clustering: chains are cut at their weakest link, never merged across a cannot-link."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linkage.cluster import cluster_records
from linkage.constraints import CannotLink, cannot_link
from tests.unit.canonical_rows import canonical_rows

SITI_INDRAMAYU = {
    "full_name": "SITI AMINAH",
    "birth_date": "1990-03-14",
    "region_code": "32.12",
    "nik": "3212055403900001",
    "nik_birth_date": "1990-03-14",
}
SITI_CILACAP = {
    "full_name": "SITI AMINAH",
    "birth_date": "1990-08-02",
    "region_code": "33.01",
    "nik": "3301074208900002",
    "nik_birth_date": "1990-08-02",
}
SITI_NO_NIK = {"full_name": "SITI AMINAH", "birth_date": "1990-03-14"}


def _groups(labels: np.ndarray) -> set[frozenset[int]]:
    return {frozenset(np.flatnonzero(labels == label).tolist()) for label in np.unique(labels)}


def _cluster(
    records: pd.DataFrame,
    edges: list[tuple[int, int, float]],
    non_match: pd.DataFrame | None = None,
    steward: list[bool] | None = None,
) -> tuple[set[frozenset[int]], int, int]:
    left, right, weight = (np.array(v) for v in zip(*edges, strict=True))
    result = cluster_records(
        left, right, weight, cannot_link(records, non_match), None if steward is None else np.array(steward)
    )
    return _groups(result.labels), result.refused_merges, result.split_components


def test_two_siti_aminah_with_different_niks_are_never_chained() -> None:
    records = canonical_rows(SITI_INDRAMAYU, SITI_NO_NIK, SITI_CILACAP)
    groups, refused, split = _cluster(records, [(0, 1, 12.0), (1, 2, 10.0), (0, 2, 9.0)])
    assert groups == {frozenset({0, 1}), frozenset({2})}
    assert refused == 2
    assert split == 1


def test_the_chain_is_cut_at_its_weakest_link() -> None:
    records = canonical_rows(SITI_INDRAMAYU, SITI_NO_NIK, SITI_CILACAP)
    groups, _, _ = _cluster(records, [(0, 1, 8.0), (1, 2, 14.0)])
    assert groups == {frozenset({0}), frozenset({1, 2})}


def test_same_nik_birth_date_does_not_constrain() -> None:
    # Two NIKs decoding to one birth date may be one NIK mistyped: the score decides, not a constraint.
    typo = {**SITI_INDRAMAYU, "nik": "3212055403900007"}
    records = canonical_rows(SITI_INDRAMAYU, typo)
    groups, refused, _ = _cluster(records, [(0, 1, 7.0)])
    assert groups == {frozenset({0, 1})}
    assert refused == 0


def test_flagged_nik_is_not_a_constraint() -> None:
    bad = {**SITI_CILACAP, "flags": "phone_invalid|nik_unknown_region"}
    records = canonical_rows(SITI_INDRAMAYU, bad)
    groups, _, _ = _cluster(records, [(0, 1, 7.0)])
    assert groups == {frozenset({0, 1})}


def test_family_card_roles_split_a_household() -> None:
    card = "3212050101150003"
    records = canonical_rows(
        {"full_name": "KARTO", "kk_number": card, "family_role": "KEPALA KELUARGA"},
        {"full_name": "KARTO", "source": "bpjs"},
        {"full_name": "KARTINI", "kk_number": card, "family_role": "ISTRI"},
        {"full_name": "KARTO", "kk_number": card, "family_role": "kepala keluarga", "source": "dukcapil"},
    )
    groups, refused, _ = _cluster(records, [(0, 1, 9.0), (1, 2, 8.5), (2, 3, 8.0), (0, 3, 7.0)])
    assert groups == {frozenset({0, 1, 3}), frozenset({2})}
    assert refused == 2


def test_twins_on_one_card_stay_two_people() -> None:
    # Same card, same role, same birth date, two NIKs: a card lists each member once.
    card = "3527161603180001"
    records = canonical_rows(
        {
            "full_name": "DWI ANASTASIA",
            "kk_number": card,
            "family_role": "ANAK",
            "nik": "3527166301200001",
            "nik_birth_date": "2020-01-23",
            "source": "dukcapil",
        },
        {"full_name": "DWI ANASTASIA", "source": "bpjs", "birth_date": "2020-01-23"},
        {
            "full_name": "EKA ANASTASIA",
            "kk_number": card,
            "family_role": "ANAK",
            "nik": "3527166301200002",
            "nik_birth_date": "2020-01-23",
            "source": "dukcapil",
        },
        {
            "full_name": "DWI ANASTASIA",
            "kk_number": card,
            "family_role": "ANAK",
            "nik": "3527166301200001",
            "nik_birth_date": "2020-01-23",
            "source": "dukcapil_lama",
        },
    )
    groups, refused, _ = _cluster(records, [(0, 1, 9.0), (1, 2, 8.0), (0, 3, 12.0)])
    assert groups == {frozenset({0, 1, 3}), frozenset({2})}
    assert refused == 1


def test_steward_non_match_splits_a_chain() -> None:
    records = canonical_rows({"full_name": "A"}, {"full_name": "B"}, {"full_name": "C"})
    veto = pd.DataFrame({"left_key": [records.record_key[0]], "right_key": [records.record_key[2]]})
    groups, _, split = _cluster(records, [(0, 1, 9.0), (1, 2, 10.0)], veto)
    assert groups == {frozenset({0}), frozenset({1, 2})}
    assert split == 1


def test_steward_match_overrides_a_derived_constraint_but_not_a_non_match() -> None:
    records = canonical_rows(SITI_INDRAMAYU, SITI_CILACAP, SITI_NO_NIK)
    groups, _, _ = _cluster(records, [(0, 1, 1.0)], steward=[True])
    assert groups == {frozenset({0, 1}), frozenset({2})}
    veto = pd.DataFrame({"left_key": [records.record_key[0]], "right_key": [records.record_key[1]]})
    groups, _, _ = _cluster(records, [(0, 1, 1.0)], veto, steward=[True])
    assert groups == {frozenset({0}), frozenset({1}), frozenset({2})}


def test_result_does_not_depend_on_edge_order() -> None:
    records = canonical_rows(SITI_INDRAMAYU, SITI_NO_NIK, SITI_CILACAP, {**SITI_NO_NIK, "birth_date": ""})
    edges = [(0, 1, 9.0), (1, 2, 9.0), (2, 3, 9.0), (3, 0, 9.0)]
    first = _cluster(records, edges)
    assert _cluster(records, edges[::-1]) == first
    assert _cluster(records, [(b, a, w) for a, b, w in edges]) == first


# --- properties on random graphs ------------------------------------------------------------------


@st.composite
def _graphs(draw: st.DrawFn) -> tuple[CannotLink, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 25))
    node = st.integers(0, n - 1)
    # At most one value per (record, key): a record has one NIK birth date, one role per card.
    facts = draw(st.dictionaries(st.tuples(node, st.integers(0, 3)), st.integers(0, 2), max_size=2 * n))
    vetoes = draw(st.lists(st.tuples(node, node).filter(lambda p: p[0] != p[1]), max_size=3))
    edges = draw(
        st.lists(st.tuples(node, node, st.floats(-5, 20)).filter(lambda e: e[0] != e[1]), max_size=60)
    )
    constraints = CannotLink(
        size=n,
        fact_record=np.array([r for r, _ in facts], dtype=np.int64),
        fact_key=np.array([k for _, k in facts], dtype=np.int64),
        fact_value=np.array(list(facts.values()), dtype=np.int64),
        steward_left=np.array([a for a, _ in vetoes], dtype=np.int64),
        steward_right=np.array([b for _, b in vetoes], dtype=np.int64),
    )
    left, right, weight = (
        (np.array(v) for v in zip(*edges, strict=True)) if edges else (np.empty(0, int),) * 3
    )
    return constraints, left.astype(np.int64), right.astype(np.int64), weight.astype(float)


def _conflicts(members: list[int], c: CannotLink) -> bool:
    """Brute force: some key with two values among the members, or a NON_MATCH pair inside."""
    inside = np.isin(c.fact_record, members)
    values: dict[int, set[int]] = {}
    for key, value in zip(c.fact_key[inside].tolist(), c.fact_value[inside].tolist(), strict=True):
        values.setdefault(key, set()).add(value)
    vetoed = any(a in members and b in members for a, b in zip(c.steward_left, c.steward_right, strict=True))
    return any(len(v) > 1 for v in values.values()) or vetoed


@settings(max_examples=150, deadline=None)
@given(_graphs())
def test_clusters_hold_no_cannot_link_and_no_edge_could_still_merge(
    graph: tuple[CannotLink, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    constraints, left, right, weight = graph
    labels = cluster_records(left, right, weight, constraints).labels
    members = {label: np.flatnonzero(labels == label).tolist() for label in np.unique(labels)}
    assert not any(_conflicts(m, constraints) for m in members.values())
    for a, b in zip(left, right, strict=True):  # greedy is maximal: every unmerged edge is blocked
        if labels[a] != labels[b]:
            assert _conflicts(members[labels[a]] + members[labels[b]], constraints)
    # Clusters never cross connected components of the accepted edges.
    n = constraints.size
    _, components = connected_components(coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n)))
    assert all(len(set(components[m])) == 1 for m in members.values())


@settings(max_examples=50, deadline=None)
@given(_graphs())
def test_without_constraints_clusters_are_connected_components(
    graph: tuple[CannotLink, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    constraints, left, right, weight = graph
    none = np.empty(0, np.int64)
    free = CannotLink(constraints.size, none, none, none, none, none)
    n = constraints.size
    _, components = connected_components(coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n)))
    assert _groups(cluster_records(left, right, weight, free).labels) == _groups(components)
