"""Risk signals for protection officers: the patterns that precede trafficking and abuse cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async
from .views import plain

_ORGANISATIONS = """
CALL () {
  MATCH (a:Agency)
  RETURN 'Agency' AS label, a.agencyId AS id, a.name AS name,
         COUNT { (a)<-[:AGAINST]-(:Complaint) } AS complaints,
         COUNT { (a)<-[:THROUGH_AGENCY]-(:Placement {procedural: false}) } AS nonProcedural,
         COUNT { (a)<-[:THROUGH_AGENCY]-(:Placement)<-[:HAS_PLACEMENT]-(:Person) } AS workers
  UNION ALL
  MATCH (b:Broker)
  RETURN 'Broker' AS label, b.brokerId AS id, b.name AS name,
         COUNT { (b)<-[:AGAINST]-(:Complaint) } AS complaints,
         COUNT { (b)-[:RECRUITED]->(:Person)-[:HAS_PLACEMENT]->(:Placement {procedural: false}) }
           AS nonProcedural,
         COUNT { (b)-[:RECRUITED]->(:Person) } AS workers
}
WITH * WHERE complaints >= $minComplaints OR nonProcedural >= $minNonProcedural
RETURN label, id, name, complaints, nonProcedural, workers
ORDER BY complaints + nonProcedural DESC, label, id
LIMIT $limit
"""

_SHARED_PHONES = """
MATCH (x:Phone)<-[:HAS_PHONE]-(w:Worker)
WITH x, collect(DISTINCT w.personId) AS workers, collect(DISTINCT left(w.regionCode, 4)) AS regencies
WHERE size(workers) >= $minWorkers AND size(regencies) >= $minRegencies
RETURN x.e164 AS phone, workers, regencies
ORDER BY size(workers) DESC, phone
LIMIT $limit
"""

_MINORS = """
MATCH (w:Person)-[:HAS_PLACEMENT]->(pl:Placement)
WHERE w.birthDate IS NOT NULL AND pl.departureDate IS NOT NULL
WITH w, pl, duration.between(w.birthDate, pl.departureDate).years AS age
WHERE age < $adultAge
RETURN w.personId AS personId, w.fullName AS fullName, w.birthDate AS birthDate,
       pl.placementId AS placementId, pl.departureDate AS departureDate, age
ORDER BY personId, placementId
LIMIT $limit
"""


@dataclass(frozen=True)
class OrganisationRisk:
    label: str  # Agency | Broker
    id: str
    name: str | None
    complaints: int
    non_procedural: int  # placements (agency) or recruited workers' placements (broker) off the books
    workers: int


@dataclass(frozen=True)
class SharedPhoneRisk:
    phone: str
    worker_ids: Sequence[str]
    regencies: Sequence[str]


@dataclass(frozen=True)
class MinorPlacement:
    person_id: str
    full_name: str | None
    birth_date: dt.date
    placement_id: str
    departure_date: dt.date
    age_years: int


def _organisation(r: Record) -> OrganisationRisk:
    return OrganisationRisk(r["label"], r["id"], r["name"], r["complaints"], r["nonProcedural"], r["workers"])


def _phone(r: Record) -> SharedPhoneRisk:
    return SharedPhoneRisk(r["phone"], sorted(r["workers"]), sorted(c for c in r["regencies"] if c))


def _minor(r: Record) -> MinorPlacement:
    return MinorPlacement(
        r["personId"],
        r["fullName"],
        plain(r["birthDate"]),
        r["placementId"],
        plain(r["departureDate"]),
        r["age"],
    )


def _organisations(min_complaints: int, min_non_procedural: int, limit: int) -> Statement[OrganisationRisk]:
    params = {"minComplaints": min_complaints, "minNonProcedural": min_non_procedural, "limit": limit}
    return Statement(_ORGANISATIONS, _organisation, params)


def _phones(min_workers: int, min_regencies: int, limit: int) -> Statement[SharedPhoneRisk]:
    return Statement(
        _SHARED_PHONES, _phone, {"minWorkers": min_workers, "minRegencies": min_regencies, "limit": limit}
    )


def _minors(adult_age: int, limit: int) -> Statement[MinorPlacement]:
    return Statement(_MINORS, _minor, {"adultAge": adult_age, "limit": limit})


def risky_organisations(
    db: Db, *, min_complaints: int = 3, min_non_procedural: int = 3, limit: int = 100
) -> list[OrganisationRisk]:
    """Agencies and brokers tied to at least ``min_complaints`` complaints or non-procedural departures."""
    return run(db, _organisations(min_complaints, min_non_procedural, limit))


async def risky_organisations_async(
    db: AsyncDb, *, min_complaints: int = 3, min_non_procedural: int = 3, limit: int = 100
) -> list[OrganisationRisk]:
    return await run_async(db, _organisations(min_complaints, min_non_procedural, limit))


def phones_shared_across_regencies(
    db: Db, *, min_workers: int = 3, min_regencies: int = 2, limit: int = 100
) -> list[SharedPhoneRisk]:
    """One number used by many workers living in different regencies (a broker's or a syndicate's)."""
    return run(db, _phones(min_workers, min_regencies, limit))


async def phones_shared_across_regencies_async(
    db: AsyncDb, *, min_workers: int = 3, min_regencies: int = 2, limit: int = 100
) -> list[SharedPhoneRisk]:
    return await run_async(db, _phones(min_workers, min_regencies, limit))


def minors_at_placement(db: Db, *, adult_age: int = 18, limit: int = 1000) -> list[MinorPlacement]:
    """Placements whose worker was younger than ``adult_age`` on the departure date."""
    return run(db, _minors(adult_age, limit))


async def minors_at_placement_async(
    db: AsyncDb, *, adult_age: int = 18, limit: int = 1000
) -> list[MinorPlacement]:
    return await run_async(db, _minors(adult_age, limit))
