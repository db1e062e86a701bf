"""Person-centred reads the gateway needs beyond ``graph.queries.persons``/``family``: placements,
complaints, offices, region, records by key, and the fuzzy name recall — each batched over many persons.

Every function takes the list of keys a DataLoader collected during one request and answers with one
Cypher round trip, so the number of round trips of a request does not grow with the number of persons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, get_args

from .gateway_io import ReadCypher, Row
from .gateway_projection import PersonProperties, golden

RECORDS_BY_KEY: Final = """
UNWIND $ids AS id
MATCH (s:SourceRecord {key: id})
RETURN id, s {.*} AS record
"""


PLACEMENTS_BY_PERSON: Final = """
UNWIND $ids AS id
MATCH (:Person {personId: id})-[:HAS_PLACEMENT]->(pl:Placement)
OPTIONAL MATCH (pl)-[:THROUGH_AGENCY]->(a:Agency)
OPTIONAL MATCH (pl)-[:WITH_EMPLOYER]->(e:Employer)
WITH id, pl, a, e ORDER BY pl.departureDate, pl.placementId
RETURN id, collect(pl {.*, agency: a {.*}, employer: e {.*}}) AS placements
"""

COMPLAINTS_BY_PERSON: Final = """
UNWIND $ids AS id
MATCH (p:Person {personId: id})
CALL (p) {
  MATCH (p)-[:FILED]->(c:Complaint) RETURN c
  UNION
  MATCH (c:Complaint)-[:CONCERNS]->(p) RETURN c
}
OPTIONAL MATCH (filer:Person)-[:FILED]->(c)
OPTIONAL MATCH (c)-[:CONCERNS]->(worker:Person)
OPTIONAL MATCH (c)-[:AGAINST]->(against)
WITH id, c, filer, worker, collect(against {.*, label: labels(against)[0]}) AS against
ORDER BY c.date, c.complaintId
RETURN id, collect(c {.*, filerId: filer.personId, concernsId: worker.personId, against: against})
       AS complaints
"""

OFFICES_BY_PERSON: Final = """
UNWIND $ids AS id
MATCH (:Person {personId: id})-[:SERVED_AT]->(o:LtsaOffice)
OPTIONAL MATCH (o)-[:LOCATED_IN]->(r:Region)
WITH id, o, r ORDER BY o.officeId
RETURN id, collect(o {.*, regionCode: r.code}) AS offices
"""

REGION_OF_PERSON: Final = """
UNWIND $ids AS id
MATCH (:Person {personId: id})-[:LIVES_IN]->(r:Region)
OPTIONAL MATCH (r)-[:PART_OF]->(parent:Region)
RETURN id, r {.*, parentCode: parent.code} AS region
"""

# Lucene special characters, escaped so a name is always searched as words, never as query syntax.
_LUCENE_SPECIAL: Final = frozenset('+-&|!(){}[]^"~*?:\\/')
# One row holding every hit (in the index's order, best first), not one row per hit: the driver's
# cost is per record, and a search recalls dozens of persons. Each hit brings the person properties
# the operation can read (``PersonProperties``): a search showing names reads three properties of its
# fifty hits, not all of them.
_HITS: Final = """
CALL db.index.fulltext.queryNodes('person_names', %(query)s, {limit: %(limit)s}) YIELD node, score
WHERE (%(birthDate)s IS NULL OR node.birthDate = %(birthDate)s)
  AND (%(region)s IS NULL OR node.regionCode STARTS WITH %(region)s)
RETURN collect({person: %(person)s, score: score}) AS hits
"""
_ONE: Final = {"query": "$query", "limit": "$limit", "birthDate": "$birthDate", "region": "$region"}
_EACH: Final = {name: f"search.{name}" for name in _ONE}
# Several searches in one statement, a subquery each (concurrent requests' searches,
# gateway.coalesce): most of a search's cost is the statement, not the index.
_SEARCHES: Final = """
UNWIND $searches AS search
CALL (search) {%s}
RETURN search.index AS index, hits
"""
NAME_SEARCH: Final[dict[PersonProperties, str]] = {
    properties: _HITS % {**_ONE, "person": golden("node", properties)}
    for properties in get_args(PersonProperties)
}
NAME_SEARCHES: Final[dict[PersonProperties, str]] = {
    properties: _SEARCHES % (_HITS % {**_EACH, "person": golden("node", properties)})
    for properties in get_args(PersonProperties)
}


@dataclass(frozen=True)
class NameSearch:
    """One name search: its words (fuzzy), filters and how many hits to recall."""

    words: tuple[str, ...]
    birth_date: date | None
    region: str | None
    limit: int


def _by_id(rows: list[Row], column: str) -> dict[str, object]:
    return {row["id"]: row[column] for row in rows}


async def records_by_key(read: ReadCypher, keys: Sequence[str]) -> dict[str, Row]:
    return _by_id(await read(RECORDS_BY_KEY, {"ids": list(keys)}), "record")  # type: ignore[return-value]


async def placements_by_person(read: ReadCypher, ids: Sequence[str]) -> dict[str, list[Row]]:
    return _by_id(await read(PLACEMENTS_BY_PERSON, {"ids": list(ids)}), "placements")  # type: ignore[return-value]


async def complaints_by_person(read: ReadCypher, ids: Sequence[str]) -> dict[str, list[Row]]:
    return _by_id(await read(COMPLAINTS_BY_PERSON, {"ids": list(ids)}), "complaints")  # type: ignore[return-value]


async def offices_by_person(read: ReadCypher, ids: Sequence[str]) -> dict[str, list[Row]]:
    return _by_id(await read(OFFICES_BY_PERSON, {"ids": list(ids)}), "offices")  # type: ignore[return-value]


async def region_of_person(read: ReadCypher, ids: Sequence[str]) -> dict[str, Row]:
    return _by_id(await read(REGION_OF_PERSON, {"ids": list(ids)}), "region")  # type: ignore[return-value]


def lucene_words(words: Sequence[str]) -> str:
    """A full-text query matching any of ``words``, each also with one edit (spelling drift)."""
    # Lower case: the index analyser folds case anyway, and an upper-case OR/AND/NOT in a name (or a
    # hostile one) would otherwise be read as an operator and break the query.
    cleaned = ["".join(ch for ch in word if ch not in _LUCENE_SPECIAL).lower() for word in words]
    return " OR ".join(f"{w} {w}~1" if len(w) > 3 else w for w in cleaned if w)


async def name_searches(
    read: ReadCypher, searches: Sequence[NameSearch], properties: PersonProperties = "provenance"
) -> list[list[Row]]:
    """For each of ``searches``, the persons whose golden name or any known spelling shares a (fuzzy)
    word with its words, best first, each with the person ``properties`` asked for (the names are always
    there: the ranking reads them). One statement for all of them."""
    hits: list[list[Row]] = [[] for _ in searches]
    params: list[dict[str, Any]] = [
        {
            "index": i,
            "query": query,
            "birthDate": search.birth_date,
            "region": search.region,
            "limit": search.limit,
        }
        for i, search in enumerate(searches)
        if (query := lucene_words(search.words))
    ]
    if len(params) == 1:  # alone, the statement Neo4j has planned and compiled the most often
        [row] = await read(NAME_SEARCH[properties], params[0])  # an aggregation: always one row
        hits[params[0]["index"]] = row["hits"]
    elif params:
        for row in await read(NAME_SEARCHES[properties], {"searches": params}):
            hits[row["index"]] = row["hits"]
    return hits
