"""Shortest paths between two entities ("how is this broker connected to that worker?")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async
from .views import EntityRef, Subgraph, node_view, relationship_view, start_pattern, type_pattern

MAX_PATH_HOPS: Final = 6


def _cypher(source: EntityRef, target: EntityRef, max_hops: int, types: str) -> str:
    return f"""
MATCH {start_pattern(source, "a", "source")}, {start_pattern(target, "b", "target")}
WHERE a <> b
MATCH path = allShortestPaths((a)-[:{types}*..{max_hops}]-(b))
RETURN nodes(path) AS nodes, relationships(path) AS relationships
LIMIT $limit
"""


def _path(record: Record) -> Subgraph:
    return Subgraph(
        nodes=[node_view(n) for n in record["nodes"]],
        relationships=[relationship_view(r) for r in record["relationships"]],
    )


def _statement(
    source: EntityRef, target: EntityRef, max_hops: int, relationship_types: Sequence[str] | None, limit: int
) -> Statement[Subgraph]:
    if not 1 <= max_hops <= MAX_PATH_HOPS:
        raise ValueError(f"max_hops must be between 1 and {MAX_PATH_HOPS}, got {max_hops}")
    cypher = _cypher(source, target, max_hops, type_pattern(relationship_types))
    params = {"source": source.key, "target": target.key, "limit": max(1, min(limit, 50))}
    return Statement(cypher, _path, params)


def shortest_paths(
    db: Db,
    source: EntityRef,
    target: EntityRef,
    max_hops: int = MAX_PATH_HOPS,
    relationship_types: Sequence[str] | None = None,
    limit: int = 5,
) -> list[Subgraph]:
    """All shortest paths (up to ``limit``), each as its nodes in order and its relationships."""
    return run(db, _statement(source, target, max_hops, relationship_types, limit))


async def shortest_paths_async(
    db: AsyncDb,
    source: EntityRef,
    target: EntityRef,
    max_hops: int = MAX_PATH_HOPS,
    relationship_types: Sequence[str] | None = None,
    limit: int = 5,
) -> list[Subgraph]:
    return await run_async(db, _statement(source, target, max_hops, relationship_types, limit))
