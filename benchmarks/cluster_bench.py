"""Benchmark: constraint-aware clustering, stable IDs and golden records on synthetic edge lists.

Peer: plain connected components (scipy.sparse.csgraph), i.e. what Splink's
``cluster_pairwise_predictions_at_threshold`` computes, without constraints. The ratio says what the
cannot-link handling costs on top of it.

Usage: .venv/bin/python benchmarks/cluster_bench.py --records 100000 300000 [--conflict-share 0.02]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linkage.canonical import COLUMNS
from linkage.cluster import cluster_records
from linkage.constraints import CannotLink, cannot_link
from linkage.golden import golden_records
from linkage.stable_ids import assign_person_ids

T = TypeVar("T")


def _timed(action: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def synthetic_records(records: int, conflict_share: float, rng: np.random.Generator) -> pd.DataFrame:
    """Persons of 1–6 records; ``conflict_share`` of persons get a namesake with another valid NIK."""
    sizes = rng.integers(1, 7, size=records // 3)
    person = np.repeat(np.arange(len(sizes)), sizes)[:records]
    birth = pd.to_datetime("1970-01-01") + pd.to_timedelta(rng.integers(0, 12000, len(sizes)), unit="D")
    nik_birth = birth.strftime("%Y-%m-%d").to_numpy()[person]
    namesake = rng.random(len(sizes)) < conflict_share
    other_birth = (birth + pd.to_timedelta(rng.integers(1, 300, len(sizes)), unit="D")).strftime("%Y-%m-%d")
    last = np.r_[person[1:] != person[:-1], True]  # the last record of a namesake person is the other woman
    flip = namesake[person] & last
    nik_birth = np.where(flip, other_birth.to_numpy()[person], nik_birth)
    frame = pd.DataFrame({c: np.full(records, "", dtype=object) for c in COLUMNS})
    frame["record_key"] = [f"src{i % 7}:{i}" for i in range(records)]
    frame["source"] = [f"src{i % 7}" for i in range(records)]
    frame["nik"] = np.char.add("3212", nik_birth.astype(str))
    frame["nik_birth_date"] = nik_birth
    frame["birth_date"] = nik_birth
    frame["full_name"] = np.char.add("NAME ", person.astype(str))
    frame["row_number"] = np.arange(records)
    return frame.assign(_person=person)


def chain_edges(person: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every record linked to the next record of its person, plus one extra edge per person of 3+."""
    same = np.flatnonzero(person[1:] == person[:-1])
    left, right = same, same + 1
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    ends = np.r_[starts[1:], len(person)]
    long = ends - starts >= 3
    left = np.concatenate([left, starts[long]])
    right = np.concatenate([right, ends[long] - 1])
    return left, right, rng.uniform(6, 30, len(left))


def run(records: int, conflict_share: float) -> dict[str, object]:
    rng = np.random.default_rng(7)
    frame = synthetic_records(records, conflict_share, rng)
    left, right, weight = chain_edges(frame["_person"].to_numpy(), rng)
    constraints: CannotLink = cannot_link(frame)

    peer_s, _ = _timed(
        lambda: connected_components(
            coo_matrix((np.ones(len(left)), (left, right)), shape=(records, records)), directed=False
        )
    )
    ours_s, clustering = _timed(lambda: cluster_records(left, right, weight, constraints))
    ids_s, ids = _timed(lambda: assign_person_ids(frame["record_key"], clustering.labels))
    person_ids = np.asarray(ids)[clustering.labels]
    golden_s, _ = _timed(lambda: golden_records(frame, person_ids))
    return {
        "records": records,
        "edges": len(left),
        "splits": clustering.split_components,
        "cluster_s": round(ours_s, 3),
        "peer_cc_s": round(peer_s, 3),
        "ratio": round(ours_s / peer_s, 1) if peer_s else float("nan"),
        "person_ids_s": round(ids_s, 3),
        "golden_s": round(golden_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument("--conflict-share", type=float, default=0.02)
    args = parser.parse_args()
    rows = [run(n, args.conflict_share) for n in args.records]
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
