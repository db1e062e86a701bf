"""Placement timeline: each worker's placements in order, with agency, employer and the silos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async
from .views import plain

_TIMELINE = """
UNWIND $ids AS id
MATCH (:Person {personId: id})-[:HAS_PLACEMENT]->(pl:Placement)
OPTIONAL MATCH (pl)-[:THROUGH_AGENCY]->(a:Agency)
OPTIONAL MATCH (pl)-[:WITH_EMPLOYER]->(e:Employer)
OPTIONAL MATCH (s:SourceRecord)-[:DESCRIBES]->(pl)
WITH id, pl, a, e, s ORDER BY s.key
WITH id, pl, a, e, collect(s.key) AS recordKeys
RETURN id AS personId, pl, a.agencyId AS agencyId, a.name AS agencyName,
       e.employerId AS employerId, e.name AS employerName, recordKeys
ORDER BY personId, pl.departureDate, pl.placementId
"""


@dataclass(frozen=True)
class TimelineEntry:
    person_id: str
    placement_id: str
    phase: str | None
    status: str | None
    procedural: bool | None
    departure_date: dt.date | None
    return_date: dt.date | None
    destination: str | None
    sector: str | None
    agency_id: str | None
    agency_name: str | None
    employer_id: str | None
    employer_name: str | None
    record_keys: Sequence[str]  # the source records describing this placement


def _entry(record: Record) -> TimelineEntry:
    pl = record["pl"]
    return TimelineEntry(
        person_id=record["personId"],
        placement_id=pl["placementId"],
        phase=pl.get("phase"),
        status=pl.get("status"),
        procedural=pl.get("procedural"),
        departure_date=plain(pl.get("departureDate")),
        return_date=plain(pl.get("returnDate")),
        destination=pl.get("destination"),
        sector=pl.get("sector"),
        agency_id=record["agencyId"],
        agency_name=record["agencyName"],
        employer_id=record["employerId"],
        employer_name=record["employerName"],
        record_keys=record["recordKeys"],
    )


def _statement(person_ids: Sequence[str]) -> Statement[TimelineEntry]:
    return Statement(_TIMELINE, _entry, {"ids": list(dict.fromkeys(person_ids))})


def placement_timeline(db: Db, person_ids: Sequence[str]) -> list[TimelineEntry]:
    return run(db, _statement(person_ids))


async def placement_timeline_async(db: AsyncDb, person_ids: Sequence[str]) -> list[TimelineEntry]:
    return await run_async(db, _statement(person_ids))
