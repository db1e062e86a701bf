"""The k-hop neighbourhood of one entity, nearest nodes first, capped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async
from .views import EntityRef, Subgraph, node_view, relationship_view, start_pattern, type_pattern

MAX_HOPS: Final = 4
MAX_NODES: Final = 1000


def _cypher(ref: EntityRef, hops: int, types: str) -> str:
    # Label, key property, hop count and types are interpolated only after validation against the
    # allow-lists; every value from the caller is a parameter.
    return f"""
MATCH {start_pattern(ref, "start", "key")}
OPTIONAL MATCH path = (start)-[:{types}*1..{hops}]-(n)
WITH start, n, min(length(path)) AS distance
ORDER BY distance, elementId(n)
WITH start, [x IN collect(n) WHERE x IS NOT NULL] AS reached
WITH start, reached[..$maxNodes] AS kept, size(reached) > $maxNodes AS truncated
WITH [start] + kept AS nodes, truncated
CALL (nodes) {{
  UNWIND nodes AS a
  MATCH (a)-[r:{types}]->(b)
  WHERE b IN nodes
  RETURN collect(r) AS relationships
}}
RETURN nodes, relationships, truncated
"""


def _subgraph(record: Record) -> Subgraph:
    return Subgraph(
        nodes=[node_view(n) for n in record["nodes"]],
        relationships=sorted(
            (relationship_view(r) for r in record["relationships"]), key=lambda r: (r.start, r.type, r.end)
        ),
        truncated=record["truncated"],
    )


def _statement(
    ref: EntityRef, hops: int, relationship_types: Sequence[str] | None, max_nodes: int
) -> Statement[Subgraph]:
    if not 1 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be between 1 and {MAX_HOPS}, got {hops}")
    if not 1 <= max_nodes <= MAX_NODES:
        raise ValueError(f"max_nodes must be between 1 and {MAX_NODES}, got {max_nodes}")
    cypher = _cypher(ref, hops, type_pattern(relationship_types))
    return Statement(cypher, _subgraph, {"key": ref.key, "maxNodes": max_nodes})


def neighbourhood(
    db: Db,
    ref: EntityRef,
    hops: int = 2,
    relationship_types: Sequence[str] | None = None,
    max_nodes: int = 200,
) -> Subgraph | None:
    """Nodes within ``hops`` of ``ref`` and the relationships among them; None if ``ref`` is unknown."""
    rows = run(db, _statement(ref, hops, relationship_types, max_nodes))
    return rows[0] if rows else None


async def neighbourhood_async(
    db: AsyncDb,
    ref: EntityRef,
    hops: int = 2,
    relationship_types: Sequence[str] | None = None,
    max_nodes: int = 200,
) -> Subgraph | None:
    rows = await run_async(db, _statement(ref, hops, relationship_types, max_nodes))
    return rows[0] if rows else None
