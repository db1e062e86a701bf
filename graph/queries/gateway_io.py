"""How the gateway's read functions talk to Neo4j: one awaitable call per Cypher round trip.

The reads in ``graph.queries.gateway_*`` take a ``ReadCypher`` instead of a driver, so the caller
decides how statements run (the gateway counts round trips per request and turns a lost database into
a clear GraphQL error) while every Cypher statement stays in ``graph/``. Steward writes take the write
transaction itself (``gateway_steward``), loading and export a sync ``Driver`` (``gateway_candidates``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import neo4j.time

Row = dict[str, Any]
ReadCypher = Callable[[str, Mapping[str, Any]], Awaitable[list[Row]]]


def native(value: Any) -> Any:
    """Driver values as plain Python: Neo4j temporal types become ``datetime`` objects."""
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime | neo4j.time.Time):
        return value.to_native()
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [native(v) for v in value]
    return value
