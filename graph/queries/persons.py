"""Persons by stable ID, NIK or passport number, with the source records behind them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async
from .views import properties


@dataclass(frozen=True)
class SourceRecordView:
    key: str
    source: str
    record_id: str
    properties: Mapping[str, Any]  # standardised and raw values exactly as loaded


@dataclass(frozen=True)
class PersonView:
    person_id: str
    matched: str  # the id, NIK or passport number that found this person
    properties: Mapping[str, Any]  # golden attributes; ``provenance`` says which record each came from
    records: Sequence[SourceRecordView]


_RETURN = """
WITH p, matched
OPTIONAL MATCH (s:SourceRecord)-[:RESOLVES_TO]->(p)
WITH p, matched, s ORDER BY s.key
RETURN p AS person, matched, collect(s) AS records
ORDER BY matched, p.personId
"""

_BY_ID = "UNWIND $values AS matched MATCH (p:Person {personId: matched})" + _RETURN
# A NIK or passport may sit on any record, not only on the golden value: search the records.
_BY_NIK = (
    """
UNWIND $values AS matched
MATCH (:SourceRecord {nik: matched})-[:RESOLVES_TO]->(p:Person)
WITH DISTINCT p, matched
"""
    + _RETURN
)
_BY_PASSPORT = (
    """
UNWIND $values AS matched
MATCH (:Passport {number: matched})<-[:HAS_PASSPORT]-(p:Person)
WITH DISTINCT p, matched
"""
    + _RETURN
)


def person_view(
    person: Mapping[str, Any], records: Iterable[Mapping[str, Any]], matched: str | None = None
) -> PersonView:
    """A person with its source records, from a person node (or its property map) and record nodes;
    the gateway builds the same view from its projected rows. ``matched``: the identifier asked for
    (the person's own ID when not given)."""
    props = properties(person)
    return PersonView(
        person_id=props["personId"],
        matched=props["personId"] if matched is None else matched,
        properties=props,
        records=[
            SourceRecordView(
                key=s["key"],
                source=s.get("source", ""),
                record_id=s.get("recordId", ""),
                properties=properties(s),
            )
            for s in records
        ],
    )


def _person(record: Record) -> PersonView:
    return person_view(record["person"], record["records"], record["matched"])


def _statement(cypher: str, values: Sequence[str]) -> Statement[PersonView]:
    return Statement(cypher, _person, {"values": list(dict.fromkeys(values))})


def persons_by_id(db: Db, person_ids: Sequence[str]) -> list[PersonView]:
    return run(db, _statement(_BY_ID, person_ids))


async def persons_by_id_async(db: AsyncDb, person_ids: Sequence[str]) -> list[PersonView]:
    return await run_async(db, _statement(_BY_ID, person_ids))


def persons_by_nik(db: Db, niks: Sequence[str]) -> list[PersonView]:
    return run(db, _statement(_BY_NIK, niks))


async def persons_by_nik_async(db: AsyncDb, niks: Sequence[str]) -> list[PersonView]:
    return await run_async(db, _statement(_BY_NIK, niks))


def persons_by_passport(db: Db, numbers: Sequence[str]) -> list[PersonView]:
    return run(db, _statement(_BY_PASSPORT, numbers))


async def persons_by_passport_async(db: AsyncDb, numbers: Sequence[str]) -> list[PersonView]:
    return await run_async(db, _statement(_BY_PASSPORT, numbers))
