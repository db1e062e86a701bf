"""Agencies, employers, regions and LTSA offices for the gateway: filtered pages and batched lookups.

A page query returns the total and one slice in a single statement (``collect`` then slice), so a
connection with ``totalCount`` costs one round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .gateway_io import ReadCypher, Row

AGENCY_PAGE: Final = """
MATCH (a:Agency)
WHERE ($name IS NULL OR toUpper(a.name) CONTAINS toUpper($name))
  AND ($licence IS NULL OR a.licence = $licence)
WITH a, COUNT { (a)<-[:AGAINST]-(:Complaint) } AS complaints
WHERE complaints >= $minComplaints
WITH a ORDER BY a.name, a.agencyId
WITH collect(a {.*}) AS matched
RETURN size(matched) AS total, matched[$skip..$skip + $limit] AS page
"""

EMPLOYER_PAGE: Final = """
MATCH (e:Employer)
WHERE ($name IS NULL OR toUpper(e.name) CONTAINS toUpper($name))
  AND ($country IS NULL OR e.country = $country)
WITH e ORDER BY e.name, e.employerId
WITH collect(e {.*}) AS matched
RETURN size(matched) AS total, matched[$skip..$skip + $limit] AS page
"""

AGENCIES_BY_ID: Final = """
UNWIND $ids AS id
MATCH (a:Agency {agencyId: id})
RETURN id, a {.*} AS node
"""

EMPLOYERS_BY_ID: Final = """
UNWIND $ids AS id
MATCH (e:Employer {employerId: id})
RETURN id, e {.*} AS node
"""

REGIONS_BY_CODE: Final = """
UNWIND $ids AS id
MATCH (r:Region {code: id})
OPTIONAL MATCH (r)-[:PART_OF]->(parent:Region)
RETURN id, r {.*, parentCode: parent.code} AS node
"""

AGENCY_FIGURES: Final = """
UNWIND $ids AS id
MATCH (a:Agency {agencyId: id})
RETURN id, {placements: COUNT { (a)<-[:THROUGH_AGENCY]-(:Placement) },
            complaints: COUNT { (a)<-[:AGAINST]-(:Complaint) },
            nonProcedural: COUNT { (a)<-[:THROUGH_AGENCY]-(:Placement {procedural: false}) }} AS node
"""

EMPLOYER_FIGURES: Final = """
UNWIND $ids AS id
MATCH (e:Employer {employerId: id})
RETURN id, {placements: COUNT { (e)<-[:WITH_EMPLOYER]-(:Placement) }} AS node
"""

# Workers are counted in the regency they live in (a village code was folded to its regency at load);
# a province row sums its regencies.
LTSA_COVERAGE: Final = """
MATCH (r:Region)
WHERE r.kind <> 'provinsi' AND ($province IS NULL OR r.code STARTS WITH $province)
OPTIONAL MATCH (r)-[:PART_OF]->(province:Region)
WITH r, province,
     COUNT { (w:Person {isWorker: true})-[:LIVES_IN]->(r) } AS workers,
     COUNT { (w:Person {isWorker: true})-[:LIVES_IN]->(r) WHERE EXISTS { (w)-[:SERVED_AT]->(:LtsaOffice) } }
       AS served,
     [(o:LtsaOffice)-[:LOCATED_IN]->(r) | o.name] AS offices
WHERE workers > 0 OR size(offices) > 0
RETURN r.code AS code, r.name AS name, r.kind AS kind, province.name AS province,
       workers, served, offices
ORDER BY workers DESC, code
"""


async def _page(read: ReadCypher, statement: str, params: dict[str, object]) -> tuple[int, list[Row]]:
    rows = await read(statement, params)
    return (rows[0]["total"], rows[0]["page"]) if rows else (0, [])


async def agency_page(
    read: ReadCypher, *, name: str | None, licence: str | None, min_complaints: int, skip: int, limit: int
) -> tuple[int, list[Row]]:
    params: dict[str, object] = {
        "name": name,
        "licence": licence,
        "minComplaints": min_complaints,
        "skip": skip,
        "limit": limit,
    }
    return await _page(read, AGENCY_PAGE, params)


async def employer_page(
    read: ReadCypher, *, name: str | None, country: str | None, skip: int, limit: int
) -> tuple[int, list[Row]]:
    params: dict[str, object] = {"name": name, "country": country, "skip": skip, "limit": limit}
    return await _page(read, EMPLOYER_PAGE, params)


async def _nodes(read: ReadCypher, statement: str, ids: Sequence[str]) -> dict[str, Row]:
    return {row["id"]: row["node"] for row in await read(statement, {"ids": list(ids)})}


async def agencies_by_id(read: ReadCypher, ids: Sequence[str]) -> dict[str, Row]:
    return await _nodes(read, AGENCIES_BY_ID, ids)


async def employers_by_id(read: ReadCypher, ids: Sequence[str]) -> dict[str, Row]:
    return await _nodes(read, EMPLOYERS_BY_ID, ids)


async def regions_by_code(read: ReadCypher, codes: Sequence[str]) -> dict[str, Row]:
    return await _nodes(read, REGIONS_BY_CODE, codes)


async def agency_figures(read: ReadCypher, ids: Sequence[str]) -> dict[str, Row]:
    return await _nodes(read, AGENCY_FIGURES, ids)


async def employer_figures(read: ReadCypher, ids: Sequence[str]) -> dict[str, Row]:
    return await _nodes(read, EMPLOYER_FIGURES, ids)


async def ltsa_coverage(read: ReadCypher, province: str | None) -> list[Row]:
    return await read(LTSA_COVERAGE, {"province": province})
