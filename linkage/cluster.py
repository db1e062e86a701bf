"""Clustering: from accepted pairs (auto-matches and steward MATCHes) to persons, honouring cannot-links.

Plain connected components chain: A–B–C become one person even when A and C are provably two
people (two valid NIKs with different birth dates). We use **constraint-aware greedy merging** instead:

1. Connected components over all accepted edges (scipy, vectorised). A component with no cannot-link
   pair inside (checked vectorised in :func:`linkage.constraints.conflicted_components`) is final:
   greedy merging would give exactly the same cluster. In real data that is nearly every component.
2. Only the edges of *conflicted* components go through a union-find loop: steward MATCH edges first,
   then auto-match edges in descending match weight (ties by record position, so the result does not
   depend on input order). A union is refused when the two clusters together would hold a cannot-link
   pair; the refused edge is dropped, so the chain A–B–C is cut at its weakest link, not at random.

Each cluster root keeps its constraint facts (key → set of values, see linkage.constraints, and steward
NON_MATCH partners), merged small-into-large, so checking a union costs the size of the smaller fact set.

A steward MATCH overrides the *derived* constraints (the steward has seen both records, e.g. a NIK that
is valid in form but mistyped), never another steward's NON_MATCH.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .constraints import CannotLink, conflicted_components


@dataclass(frozen=True)
class Clustering:
    """labels: the cluster (0..clusters-1) of every record, in record order.

    refused_merges: accepted edges whose union a cannot-link constraint refused.
    split_components: connected components that constraints split into more than one cluster.
    attached_reports: lone reported records that joined their sole candidate person (linkage.attach).
    """

    labels: np.ndarray
    refused_merges: int
    split_components: int
    attached_reports: int = 0

    @property
    def clusters(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def cluster_records(
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    constraints: CannotLink,
    steward: np.ndarray | None = None,
) -> Clustering:
    """Cluster ``constraints.size`` records linked by edges (record positions ``left``–``right``).

    ``weight`` orders the merges (match weight; higher first). ``steward`` marks steward MATCH edges:
    merged first and exempt from the derived constraints.
    """
    n = constraints.size
    # Orient every edge low→high so ties break the same way whichever way round an edge was given.
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    left, right = np.minimum(left, right), np.maximum(left, right)
    weight = np.asarray(weight, dtype=np.float64)
    forced = np.zeros(len(left), dtype=bool) if steward is None else np.asarray(steward, dtype=bool)

    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    count, components = connected_components(graph, directed=False)
    conflicted = conflicted_components(components, constraints)
    if not len(conflicted):
        return Clustering(components.astype(np.int64), 0, 0)

    in_conflict = np.isin(components, conflicted)
    nodes = np.flatnonzero(in_conflict)
    local = np.full(n, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    edges = in_conflict[left]  # both ends share a component, so one end decides
    el, er, ew, ef = local[left[edges]], local[right[edges]], weight[edges], forced[edges]
    order = np.lexsort((er, el, -np.nan_to_num(ew, nan=-np.inf), ~ef))

    merger = _GreedyMerger(constraints.facts_of(nodes))
    refused = merger.merge_all(el[order].tolist(), er[order].tolist(), ef[order].tolist())
    roots = np.asarray([merger.find(i) for i in range(len(nodes))], dtype=np.int64)

    labels = components.astype(np.int64)
    labels[nodes] = count + roots  # roots are local positions: disjoint from component labels
    _, labels = np.unique(labels, return_inverse=True)
    parts = np.unique(np.stack([components[nodes], roots]), axis=1)[0]
    split = int((np.bincount(parts) > 1).sum()) if len(parts) else 0
    return Clustering(labels.astype(np.int64), refused, split)


class _GreedyMerger:
    """Union-find whose roots carry their cluster's facts: key → values, and steward NON_MATCH partners."""

    def __init__(self, constraints: CannotLink) -> None:
        self.parent = list(range(constraints.size))
        self.size = [1] * constraints.size
        self.facts: dict[int, dict[int, set[int]]] = {}
        for record, key, value in zip(
            constraints.fact_record.tolist(),
            constraints.fact_key.tolist(),
            constraints.fact_value.tolist(),
            strict=True,
        ):
            self.facts.setdefault(record, {}).setdefault(key, set()).add(value)
        self.forbidden: dict[int, set[int]] = {}
        for a, b in zip(constraints.steward_left.tolist(), constraints.steward_right.tolist(), strict=True):
            self.forbidden.setdefault(a, set()).add(b)
            self.forbidden.setdefault(b, set()).add(a)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def merge_all(self, left: list[int], right: list[int], forced: list[bool]) -> int:
        """Union every edge in order unless it would join a cannot-link pair; returns refusals."""
        refused = 0
        find = self.find
        for a, b, steward in zip(left, right, forced, strict=True):
            ra, rb = find(a), find(b)
            if ra == rb:
                continue
            if self._conflict(ra, rb, steward):
                refused += 1
                continue
            self._union(ra, rb)
        return refused

    def _conflict(self, a: int, b: int, steward: bool) -> bool:
        fa, fb = self.forbidden.get(a), self.forbidden.get(b)
        if fa and fb:
            smaller, other = (fa, b) if len(fa) <= len(fb) else (fb, a)
            if any(self.find(x) == other for x in smaller):
                return True
        if steward:
            return False
        ka, kb = self.facts.get(a), self.facts.get(b)
        if ka and kb:
            small, large = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
            for key, values in small.items():
                others = large.get(key)
                if others and len(values | others) > 1:
                    return True
        return False

    def _union(self, a: int, b: int) -> None:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        forbidden = self.forbidden.pop(b, None)
        if forbidden:
            self.forbidden.setdefault(a, set()).update(forbidden)
        facts = self.facts.pop(b, None)
        if facts:
            mine = self.facts.setdefault(a, {})
            for key, values in facts.items():
                mine.setdefault(key, set()).update(values)
