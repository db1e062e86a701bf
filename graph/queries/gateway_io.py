"""How the gateway's read functions talk to Neo4j: one awaitable call per Cypher round trip.

The reads in ``graph.queries.gateway_*`` take a ``ReadCypher`` instead of a driver, so the caller
decides how statements run (the gateway counts round trips per request and turns a lost database into
a clear GraphQL error) while every Cypher statement stays in ``graph/``. Steward writes take the write
transaction itself (``gateway_steward``), loading and export a sync ``Driver`` (``gateway_candidates``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

import neo4j.exceptions
import neo4j.graph
import neo4j.time
from neo4j._codec.hydration import BrokenHydrationObject

Row = dict[str, Any]
ReadCypher = Callable[[str, Mapping[str, Any]], Awaitable[list[Row]]]


# Most values of a row are scalars the driver already hands over as Python objects: one set lookup
# answers them (the isinstance chain below cost ~7% of a loaded gateway's CPU when every value took it).
# Python dates arrive already native from the gateway's Bolt reader (gateway.bolt.wire).
_SCALARS: Final = frozenset({str, int, float, bool, type(None), date, datetime})


def native(value: Any) -> Any:
    """Driver values as plain Python: Neo4j temporal types become ``datetime`` objects, a node the map
    of its properties (as ``Record.data()``); a relationship or path is refused — return maps."""
    if type(value) in _SCALARS:
        return value
    if type(value) is dict:
        # The driver hands every record fresh dicts: one of scalars only (a projected person, a search
        # hit's names) is already plain and is kept, not copied (half of a 50-hit search's conversion).
        for item in value.values():
            if type(item) not in _SCALARS:
                return {k: native(v) for k, v in value.items()}
        return value
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime | neo4j.time.Time):
        return value.to_native()
    if isinstance(value, dict | neo4j.graph.Node):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Relationship | neo4j.graph.Path):
        raise TypeError(f"a gateway read returns maps, not a {type(value).__name__}: project it")
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, BrokenHydrationObject):  # as a ``neo4j.Record`` refuses to hand one over
        raise neo4j.exceptions.BrokenRecordError(f"a value could not be read: {value.error}") from value.error
    return value


def row_of(record: neo4j.Record) -> Row:
    """A record as a plain row in one walk (``native(record.data())`` would walk every value twice)."""
    return {key: native(value) for key, value in zip(record.keys(), record, strict=True)}


def plain_row(keys: Sequence[str], values: Sequence[Any]) -> Row:
    """A row from a record's keys and values, as ``row_of`` makes it of a ``neo4j.Record``."""
    return {key: native(value) for key, value in zip(keys, values, strict=True)}
