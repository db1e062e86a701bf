"""Sole-candidate attachment: a lone complaint row joins the one person its review-band pairs point to,
and nobody when they point to two people, when it is no report, or when the join breaks a constraint."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.attach import attach_sole_candidates
from linkage.constraints import cannot_link
from tests.unit.canonical_rows import canonical_rows

WORKER = {"full_name": "SAPARUDIN HASANUDIN", "birth_date": "1988-05-02"}
FATHER = {"full_name": "SAPARUDIN", "birth_date": "1961-01-20"}
COMPLAINT = {"full_name": "SAPARUDIN", "complaint_type": "GAJI TIDAK DIBAYAR"}


def _attach(
    rows: list[dict[str, str]], labels: list[int], review: list[tuple[int, int]]
) -> tuple[set[frozenset[int]], int]:
    records = canonical_rows(*rows)
    reported = (records["complaint_type"] != "").to_numpy()
    left, right = (np.array(side, dtype=np.int64) for side in zip(*review, strict=True))
    joined, attached = attach_sole_candidates(np.array(labels), reported, left, right, cannot_link(records))
    assert sorted(np.unique(joined).tolist()) == list(range(joined.max() + 1))  # renumbered 0..n-1
    groups = {frozenset(np.flatnonzero(joined == label).tolist()) for label in np.unique(joined)}
    return groups, attached


def test_a_lone_complaint_joins_the_only_person_in_reach() -> None:
    # Rows 0 and 1 are the worker (one cluster); both pairs of the complaint (2) point to her.
    groups, attached = _attach([WORKER, WORKER, COMPLAINT], [0, 0, 1], [(0, 2), (1, 2)])
    assert groups == {frozenset({0, 1, 2})}
    assert attached == 1


def test_two_people_in_reach_leave_the_complaint_alone() -> None:
    # The calling name SAPARUDIN is the worker's and also her father's: the pairs cannot tell them apart.
    groups, attached = _attach([WORKER, FATHER, COMPLAINT], [0, 1, 2], [(0, 2), (1, 2)])
    assert groups == {frozenset({0}), frozenset({1}), frozenset({2})}
    assert attached == 0


def test_only_reports_are_attached() -> None:
    groups, attached = _attach([WORKER, FATHER], [0, 1], [(0, 1)])
    assert groups == {frozenset({0}), frozenset({1})}
    assert attached == 0


def test_a_complaint_already_in_a_person_stays_where_clustering_put_it() -> None:
    # The complaint auto-matched the worker (0); a review pair to the father (2) does not move it.
    groups, attached = _attach([WORKER, COMPLAINT, FATHER], [0, 0, 1], [(1, 2)])
    assert groups == {frozenset({0, 1}), frozenset({2})}
    assert attached == 0


def test_two_lone_complaints_about_one_worker_do_not_swap_or_join_each_other() -> None:
    groups, attached = _attach([COMPLAINT, COMPLAINT, WORKER], [0, 1, 2], [(0, 1), (0, 2)])
    assert groups == {frozenset({0, 2}), frozenset({1})}
    assert attached == 1


def test_a_join_that_breaks_a_cannot_link_is_undone() -> None:
    # The complaint states a valid NIK whose birth date differs from the worker's own valid NIK.
    worker = {**WORKER, "nik": "3212050205880001", "nik_birth_date": "1988-05-02"}
    other = {**COMPLAINT, "nik": "3212051704900003", "nik_birth_date": "1990-04-17"}
    groups, attached = _attach([worker, other], [0, 1], [(0, 1)])
    assert groups == {frozenset({0}), frozenset({1})}
    assert attached == 0


def test_no_review_pairs_change_nothing() -> None:
    records = canonical_rows(WORKER, COMPLAINT)
    empty = np.empty(0, dtype=np.int64)
    reported = np.array([False, True])
    labels, attached = attach_sole_candidates(np.array([0, 1]), reported, empty, empty, cannot_link(records))
    assert labels.tolist() == [0, 1]
    assert attached == 0


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.integers(0, 5), min_size=2, max_size=12),
    data=st.data(),
)
def test_only_lone_reports_move_and_each_join_removes_one_person(
    labels: list[int], data: st.DataObject
) -> None:
    size = len(labels)
    reported = np.array(data.draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    edges = data.draw(st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=20))
    left = np.array([a for a, _ in edges], dtype=np.int64)
    right = np.array([b for _, b in edges], dtype=np.int64)
    records = canonical_rows(*({"full_name": "SITI AMINAH"} for _ in range(size)))
    _, before = np.unique(labels, return_inverse=True)
    joined, attached = attach_sole_candidates(before, reported, left, right, cannot_link(records))
    assert len(np.unique(joined)) == len(np.unique(before)) - attached
    moved = (joined[:, None] == joined[None, :]) != (before[:, None] == before[None, :])
    movers = np.flatnonzero(moved.any(axis=1))
    alone = np.bincount(before)[before] == 1
    # Who changed company: the joined lone reports and the members of the persons they joined.
    joiners = movers[alone[movers] & reported[movers]]
    assert len(joiners) == attached
    for record in movers:
        assert record in joiners or joined[record] in joined[joiners]
