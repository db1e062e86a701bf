"""Stable person IDs across runs: inherit by largest share, each ID once, deterministic new IDs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkage.stable_ids import assign_person_ids, derived_id


def _ids(clusters: list[list[str]], previous: dict[str, str] | None = None) -> list[str]:
    keys = [key for members in clusters for key in members]
    labels = np.array([label for label, members in enumerate(clusters) for _ in members])
    ids = assign_person_ids(pd.Series(keys), labels, None if previous is None else pd.Series(previous))
    return list(ids)


def test_new_ids_derive_from_the_smallest_record_key() -> None:
    ids = _ids([["b:2", "a:9"], ["c:1"]])
    assert ids == [derived_id("a:9"), derived_id("c:1")]
    assert ids[0].startswith("P-") and ids[0] != ids[1]
    # Same data, no previous run, different cluster numbering: same IDs.
    assert _ids([["c:1"], ["a:9", "b:2"]]) == ids[::-1]


def test_rerun_with_previous_keeps_every_id() -> None:
    previous = {"a:1": "P-old1", "a:2": "P-old1", "b:1": "P-old2"}
    assert _ids([["a:1", "a:2"], ["b:1"]], previous) == ["P-old1", "P-old2"]


def test_added_records_join_or_found_persons() -> None:
    previous = {"a:1": "P-old1", "b:1": "P-old2"}
    ids = _ids([["a:1", "new:1"], ["b:1"], ["new:2"]], previous)
    assert ids == ["P-old1", "P-old2", derived_id("new:2")]


def test_split_gives_the_old_id_to_the_larger_part() -> None:
    previous = {"a:1": "P-x", "a:2": "P-x", "a:3": "P-x"}
    ids = _ids([["a:1"], ["a:2", "a:3"]], previous)
    assert ids[1] == "P-x"
    assert ids[0] not in {"P-x", ""}


def test_split_never_reissues_the_old_derived_id() -> None:
    # The person was founded on a:1, so its ID is derived_id("a:1"); after a split the part that keeps
    # a:1 but loses the ID must get a different ID, not the same hash again.
    old = derived_id("a:1")
    previous = {"a:1": old, "a:2": old, "a:3": old}
    ids = _ids([["a:1"], ["a:2", "a:3"]], previous)
    assert ids == [derived_id("a:1", 2), old]


def test_merge_keeps_the_id_covering_most_records_and_ties_go_to_the_smaller_id() -> None:
    previous = {"a:1": "P-b", "a:2": "P-b", "b:1": "P-a"}
    assert _ids([["a:1", "a:2", "b:1"]], previous) == ["P-b"]
    tie = {"a:1": "P-b", "b:1": "P-a"}
    assert _ids([["a:1", "b:1"]], tie) == ["P-a"]


def test_each_previous_id_is_granted_once() -> None:
    previous = {"a:1": "P-x", "a:2": "P-x", "b:1": "P-y"}
    ids = _ids([["a:1", "b:1"], ["a:2"]], previous)
    # Cluster 0 ties between P-x and P-y and takes the smaller, P-x; cluster 1's only claim is P-x,
    # already granted, so it gets a new ID (and P-y retires).
    assert len(set(ids)) == 2
    assert ids[0] == "P-x"
    assert ids[1] == derived_id("a:2")
