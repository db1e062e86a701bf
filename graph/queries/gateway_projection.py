"""A person and the nested parts a GraphQL selection asks for, in one Cypher statement.

The gateway's DataLoaders fetch each nested field of a person (source records, family, placements)
with its own batched statement: a person with family and placements costs four round trips. Here one
statement returns the same rows as one nested map per part (COLLECT subqueries, the shape
``@neo4j/graphql`` compiles to), and only the parts the selection names are in the statement, so a
bare ``person { fullName }`` reads the person node and nothing else.

Each part's rows have exactly the shape of its batched twin (``persons``, ``family``,
``gateway_people``), so the gateway can hand them to the same DataLoaders.

A person node is brought along with only the properties the operation can read (``PersonProperties``):
a selection naming no golden attribute beyond the names gets the three name properties, not the
fifteen (every property read is work for Neo4j, its Bolt encoding and the gateway's decoding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from .gateway_io import ReadCypher, Row

# How much of each person node a statement returns: its names only (what a person in a list or a
# family tie mostly shows), every golden attribute but the provenance JSON (~80% of a node's bytes),
# or every property. A handful of statement texts, so Neo4j's plan cache keeps hitting.
PersonProperties = Literal["names", "golden", "provenance"]
NAME_PROPERTIES: Final = ("personId", "fullName", "knownNames")


@dataclass(frozen=True)
class PersonShape:
    """Which nested parts of a person one statement should bring along."""

    records: bool = False  # source records, of the person and of every relative brought along
    properties: PersonProperties = "golden"  # of every person brought along
    family: bool = False  # the family ties
    relatives: bool = False  # each tie's relative (its golden record); only with family
    placements: bool = False  # placements with their agency and employer


def _records_of(person: str) -> str:
    return (
        f"COLLECT {{ MATCH (s:SourceRecord)-[:RESOLVES_TO]->({person}) "
        "WITH s ORDER BY s.key RETURN s {.*} }"
    )


# A FAMILY_OF edge (a)-[{relation: r}]->(b) reads "a is the r of b" (as in graph.queries.family).
_TIE: Final = (
    "relativeId: relative.personId, relativeName: relative.fullName, relation: f.relation, "
    "relativeIsSubject: startNode(f) = relative, basis: f.basis"
)
_PLACEMENTS: Final = """COLLECT {
    MATCH (p)-[:HAS_PLACEMENT]->(pl:Placement)
    OPTIONAL MATCH (pl)-[:THROUGH_AGENCY]->(a:Agency)
    OPTIONAL MATCH (pl)-[:WITH_EMPLOYER]->(e:Employer)
    WITH pl, a, e ORDER BY pl.departureDate, pl.placementId
    RETURN pl {.*, agency: a {.*}, employer: e {.*}}
  }"""


def golden(person: str, properties: PersonProperties) -> str:
    """A person node's properties as a map: the names only, all but the (large) provenance JSON (which
    comes back null), or all."""
    if properties == "names":
        return f"{person} {{{', '.join('.' + name for name in NAME_PROPERTIES)}}}"
    return f"{person} {{.*}}" if properties == "provenance" else f"{person} {{.*, provenance: null}}"


def _family(shape: PersonShape) -> str:
    fields = _TIE
    if shape.relatives:
        fields += ", relative: " + golden("relative", shape.properties)
        if shape.records:
            fields += ", records: " + _records_of("relative")
    return f"""COLLECT {{
    MATCH (p)-[f:FAMILY_OF]-(relative:Person)
    WITH f, relative ORDER BY relative.personId, f.relation
    RETURN {{{fields}}}
  }}"""


PersonKey = Literal["id", "nik", "passport"]
# How a key finds persons. A NIK or passport may sit on any source record, not only on the golden
# value (as graph.queries.persons), so one key can find several persons.
_FIND: Final[dict[PersonKey, str]] = {
    "id": "MATCH (p:Person {personId: key})",
    "nik": "MATCH (:SourceRecord {nik: key})-[:RESOLVES_TO]->(p:Person)",
    "passport": "MATCH (:Passport {number: key})<-[:HAS_PASSPORT]-(p:Person)",
}


def person_statement(shape: PersonShape, by: PersonKey = "id") -> str:
    """The statement for ``shape``: one row per person found, columns ``id`` (the person id),
    ``person`` and one per part, ordered by person id."""
    parts = ["p.personId AS id", golden("p", shape.properties) + " AS person"]
    if shape.records:
        parts.append(_records_of("p") + " AS records")
    if shape.family:
        parts.append(_family(shape) + " AS family")
    if shape.placements:
        parts.append(_PLACEMENTS + " AS placements")
    find = f"UNWIND $keys AS key\n{_FIND[by]}\nWITH DISTINCT p ORDER BY p.personId\n"
    return find + "RETURN " + ",\n  ".join(parts)


async def persons_with_parts(
    read: ReadCypher, keys: Sequence[str], shape: PersonShape, by: PersonKey = "id"
) -> list[Row]:
    """The persons that ``keys`` (person ids, NIKs or passport numbers) find, each with the parts
    ``shape`` names."""
    return await read(person_statement(shape, by), {"keys": list(dict.fromkeys(keys))})
