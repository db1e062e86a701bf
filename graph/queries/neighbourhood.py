"""The k-hop neighbourhood of one entity, nearest nodes first, capped.

By default every node comes whole. A caller that shows no properties (a graph drawing of ids and
captions) names the few it needs (``only``): the statement then returns each node's labels, key and
those properties as a map, and relationships as (type, ends) — a person's provenance JSON and a source
record's raw values never leave the server, which was most of the bytes (and Neo4j and driver CPU).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async
from .views import (
    KEY_PROPERTY,
    EntityRef,
    NodeView,
    RelationshipView,
    Subgraph,
    label_and_key,
    node_view,
    plain,
    relationship_view,
    start_pattern,
    type_pattern,
)

MAX_HOPS: Final = 4
MAX_NODES: Final = 1000


_PROPERTY_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_KEYS: Final = tuple(dict.fromkeys(KEY_PROPERTY.values()))


def _returned(only: Sequence[str] | None) -> str:
    """The RETURN clause: whole nodes and relationships, or (``only``) maps of the named properties."""
    if only is None:
        return "RETURN nodes, relationships, truncated"
    names = tuple(dict.fromkeys((*_KEYS, *only)))
    bad = [n for n in names if not _PROPERTY_NAME.fullmatch(n)]
    if bad:  # the names come from code, never from a request; still, nothing odd is interpolated
        raise ValueError(f"not property names: {bad}")
    projection = ", ".join(f".{n}" for n in names)
    return f"""RETURN
  [x IN nodes | {{id: elementId(x), labels: labels(x), properties: x {{{projection}}}}}] AS nodes,
  [r IN relationships | {{type: type(r), start: elementId(startNode(r)), end: elementId(endNode(r))}}]
    AS relationships,
  truncated"""


def _cypher(start: str, hops: int, types: str, only: Sequence[str] | None = None) -> str:
    # Label, key property, hop count, types and property names are interpolated only after validation
    # against the allow-lists; every value from the caller is a parameter. ``start`` matches the
    # start node as ``start``.
    return f"""
MATCH {start}
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
{_returned(only)}
"""


def _subgraph(record: Record) -> Subgraph:
    return Subgraph(
        nodes=[node_view(n) for n in record["nodes"]],
        relationships=sorted(
            (relationship_view(r) for r in record["relationships"]), key=lambda r: (r.start, r.type, r.end)
        ),
        truncated=record["truncated"],
    )


def _lean_subgraph(record: Record) -> Subgraph:
    refs: dict[str, str] = {}
    nodes = []
    for node in record["nodes"]:
        values: dict[str, Any] = {k: plain(v) for k, v in node["properties"].items() if v is not None}
        label, key = label_and_key(node["labels"], values)
        view = NodeView(label=label, key=key, properties=values)
        refs[node["id"]] = view.ref
        nodes.append(view)
    relationships = sorted(
        (RelationshipView(r["type"], refs[r["start"]], refs[r["end"]], {}) for r in record["relationships"]),
        key=lambda r: (r.start, r.type, r.end),
    )
    return Subgraph(nodes=nodes, relationships=relationships, truncated=record["truncated"])


def _statement(
    ref: EntityRef,
    hops: int,
    relationship_types: Sequence[str] | None,
    max_nodes: int,
    only: Sequence[str] | None = None,
) -> Statement[Subgraph]:
    if not 1 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be between 1 and {MAX_HOPS}, got {hops}")
    if not 1 <= max_nodes <= MAX_NODES:
        raise ValueError(f"max_nodes must be between 1 and {MAX_NODES}, got {max_nodes}")
    cypher = _cypher(start_pattern(ref, "start", "key"), hops, type_pattern(relationship_types), only)
    convert = _subgraph if only is None else _lean_subgraph
    return Statement(cypher, convert, {"key": ref.key, "maxNodes": max_nodes})


def check_neighbourhood(
    ref: EntityRef, hops: int, relationship_types: Sequence[str] | None, max_nodes: int
) -> None:
    """Raises ValueError, saying what is wrong, for arguments no neighbourhood statement accepts."""
    _statement(ref, hops, relationship_types, max_nodes)


def _batch_statement(
    refs: Sequence[EntityRef],
    hops: int,
    relationship_types: Sequence[str] | None,
    max_nodes: int,
    only: Sequence[str] | None,
) -> Statement[tuple[str, Subgraph]]:
    # The single statement's checks, and the same text per start node: as a subquery per key.
    single = _statement(refs[0], hops, relationship_types, max_nodes, only)
    if len({ref.label for ref in refs}) != 1:
        raise ValueError("a batch of neighbourhoods starts from nodes of one label")
    start = f"(start:{refs[0].label} {{{refs[0].key_property}: key}})"
    body = _cypher(start, hops, type_pattern(relationship_types), only)
    cypher = f"UNWIND $keys AS key\nCALL (key) {{{body}}}\nRETURN key, nodes, relationships, truncated"

    def convert(record: Record) -> tuple[str, Subgraph]:
        return record["key"], single.mapper(record)

    return Statement(cypher, convert, {"keys": [ref.key for ref in refs], "maxNodes": max_nodes})


def neighbourhood(
    db: Db,
    ref: EntityRef,
    hops: int = 2,
    relationship_types: Sequence[str] | None = None,
    max_nodes: int = 200,
    only: Sequence[str] | None = None,
) -> Subgraph | None:
    """Nodes within ``hops`` of ``ref`` and the relationships among them; None if ``ref`` is unknown.
    With ``only``, nodes carry their key and those properties, relationships none."""
    rows = run(db, _statement(ref, hops, relationship_types, max_nodes, only))
    return rows[0] if rows else None


async def neighbourhood_async(
    db: AsyncDb,
    ref: EntityRef,
    hops: int = 2,
    relationship_types: Sequence[str] | None = None,
    max_nodes: int = 200,
    only: Sequence[str] | None = None,
) -> Subgraph | None:
    rows = await run_async(db, _statement(ref, hops, relationship_types, max_nodes, only))
    return rows[0] if rows else None


async def neighbourhoods_async(
    db: AsyncDb,
    refs: Sequence[EntityRef],
    hops: int = 2,
    relationship_types: Sequence[str] | None = None,
    max_nodes: int = 200,
    only: Sequence[str] | None = None,
) -> list[Subgraph | None]:
    """``neighbourhood_async`` of each of ``refs`` (all of one label), in one statement."""
    if len(refs) <= 1:  # alone, the statement Neo4j has planned and compiled the most often
        return [await neighbourhood_async(db, ref, hops, relationship_types, max_nodes, only) for ref in refs]
    found = dict(await run_async(db, _batch_statement(refs, hops, relationship_types, max_nodes, only)))
    return [found.get(ref.key) for ref in refs]
