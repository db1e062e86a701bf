"""Shared identifiers: who else uses this phone, passport or address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async

# Identifier kind → (label, key property, relationship from its holders). Kinds are the allow-list.
IDENTIFIER_KINDS: Final = {
    "phone": ("Phone", "e164", "HAS_PHONE"),
    "passport": ("Passport", "number", "HAS_PASSPORT"),
    "address": ("Address", "normalised", "HAS_ADDRESS"),
}

_LINKS = """
UNWIND $ids AS id
MATCH (p:Person {personId: id})-[:HAS_PHONE|HAS_PASSPORT|HAS_ADDRESS]->(x)
      <-[:HAS_PHONE|HAS_PASSPORT|HAS_ADDRESS]-(other)
WHERE other <> p
RETURN id AS personId,
       CASE WHEN x:Phone THEN 'phone' WHEN x:Passport THEN 'passport' ELSE 'address' END AS kind,
       coalesce(x.e164, x.number, x.normalised) AS value,
       CASE WHEN other:Broker THEN 'Broker' ELSE 'Person' END AS otherLabel,
       coalesce(other.personId, other.brokerId) AS otherId,
       coalesce(other.fullName, other.name) AS otherName
ORDER BY personId, kind, value, otherLabel, otherId
"""


@dataclass(frozen=True)
class SharedIdentifierLink:
    person_id: str
    kind: str  # phone | passport | address
    value: str
    other_label: str  # Person | Broker (a worker using the broker's own number is a signal)
    other_id: str
    other_name: str | None


@dataclass(frozen=True)
class IdentifierHolder:
    kind: str
    value: str
    holder_label: str  # Person | Broker
    holder_id: str
    holder_name: str | None


def _link(record: Record) -> SharedIdentifierLink:
    return SharedIdentifierLink(
        person_id=record["personId"],
        kind=record["kind"],
        value=record["value"],
        other_label=record["otherLabel"],
        other_id=record["otherId"],
        other_name=record["otherName"],
    )


def _links_statement(person_ids: Sequence[str]) -> Statement[SharedIdentifierLink]:
    return Statement(_LINKS, _link, {"ids": list(dict.fromkeys(person_ids))})


def _holders_statement(kind: str, values: Sequence[str]) -> Statement[IdentifierHolder]:
    if kind not in IDENTIFIER_KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {', '.join(IDENTIFIER_KINDS)}")
    label, key, rel = IDENTIFIER_KINDS[kind]
    cypher = f"""
UNWIND $values AS value
MATCH (:{label} {{{key}: value}})<-[:{rel}]-(holder)
RETURN value, CASE WHEN holder:Broker THEN 'Broker' ELSE 'Person' END AS holderLabel,
       coalesce(holder.personId, holder.brokerId) AS holderId, coalesce(holder.fullName, holder.name) AS name
ORDER BY value, holderLabel, holderId
"""

    def holder(record: Record) -> IdentifierHolder:
        return IdentifierHolder(
            kind, record["value"], record["holderLabel"], record["holderId"], record["name"]
        )

    return Statement(cypher, holder, {"values": list(dict.fromkeys(values))})


def shared_identifier_links(db: Db, person_ids: Sequence[str]) -> list[SharedIdentifierLink]:
    """Every other person or broker sharing a phone, passport or address with each given person."""
    return run(db, _links_statement(person_ids))


async def shared_identifier_links_async(db: AsyncDb, person_ids: Sequence[str]) -> list[SharedIdentifierLink]:
    return await run_async(db, _links_statement(person_ids))


def identifier_holders(db: Db, kind: str, values: Sequence[str]) -> list[IdentifierHolder]:
    """Everyone using each identifier value ("who else uses this number")."""
    return run(db, _holders_statement(kind, values))


async def identifier_holders_async(db: AsyncDb, kind: str, values: Sequence[str]) -> list[IdentifierHolder]:
    return await run_async(db, _holders_statement(kind, values))
