"""Stable person IDs: a person whose records did not change keeps its ID across runs.

Rule (docs/linkage-clustering.md, "Stable person IDs"):

1. *Inherit.* Every (cluster, previous ID) pair is a claim weighted by how many of the cluster's records
   carried that ID in the previous run. Claims are granted greedily, strongest first (most records;
   ties → the smaller previous ID; then the cluster with the smaller record key). Each previous ID is
   granted at most once per run and each cluster gets at most one: after a split the part holding most
   of the old person's records keeps the ID; after a merge the new person keeps the ID that covered
   most of its records and the others' IDs retire.
2. *New.* A cluster with no granted claim gets ``"P-" + sha256(smallest record_key)[:16]``, so two runs on
   the same data give the same IDs even without a previous run. A derived ID that is already taken (held
   this run or present in the previous run, so a retired ID is never reissued to a different person) is
   derived again from ``record_key + "#2"``, ``"#3"``… — still deterministic.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

ID_PREFIX = "P-"
_HASH_CHARS = 16  # 64 bits: collisions among tens of millions of persons stay negligible (and handled)


def derived_id(record_key: str, attempt: int = 1) -> str:
    """The ID a new person founded on ``record_key`` gets (``attempt`` > 1 after a collision)."""
    seed = record_key if attempt == 1 else f"{record_key}#{attempt}"
    return ID_PREFIX + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:_HASH_CHARS]


def assign_person_ids(
    record_keys: pd.Series, labels: np.ndarray, previous: pd.Series | None = None
) -> np.ndarray:
    """The person ID of every cluster (indexed by cluster label 0..max(labels)).

    ``record_keys`` and ``labels`` are aligned (one per record); ``previous`` maps record_key → the
    person_id it had in the previous run (records.parquet of the previous linked folder).
    """
    keys = record_keys.astype(str).to_numpy()
    labels = np.asarray(labels, dtype=np.int64)
    clusters = int(labels.max()) + 1 if len(labels) else 0
    # Smallest record key per cluster: the seed of a new ID and the final tie-break of claims.
    frame = pd.DataFrame({"cluster": labels, "key": keys})
    first = frame.sort_values("key", kind="stable").drop_duplicates("cluster")
    seed = np.empty(clusters, dtype=object)
    seed[first["cluster"].to_numpy()] = first["key"].to_numpy()
    ids = np.full(clusters, "", dtype=object)

    taken: set[str] = set()
    if previous is not None and len(previous):
        previous = previous[previous.astype(str) != ""].astype(str)
        taken.update(previous.unique().tolist())
        frame["previous"] = previous.reindex(keys).to_numpy()
        claims = (
            frame.dropna(subset=["previous"])
            .groupby(["cluster", "previous"])
            .size()
            .rename("records")
            .reset_index()
        )
        claims["seed"] = seed[claims["cluster"].to_numpy()]
        claims = claims.sort_values(["records", "previous", "seed"], ascending=[False, True, True])
        granted: set[str] = set()
        for cluster, person_id in zip(claims["cluster"].tolist(), claims["previous"].tolist(), strict=True):
            if ids[cluster] == "" and person_id not in granted:
                ids[cluster] = person_id
                granted.add(person_id)

    new = np.flatnonzero(ids == "")
    for cluster in new[np.argsort(seed[new].astype(str), kind="stable")]:  # seed order: label-independent
        attempt = 1
        candidate = derived_id(seed[cluster])
        while candidate in taken:
            attempt += 1
            candidate = derived_id(seed[cluster], attempt)
        ids[cluster] = candidate
        taken.add(candidate)
    return ids
