"""Family ties of persons (from family cards and from relations declared on complaint/family rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async

# A FAMILY_OF edge (a)-[{relation: r}]->(b) reads "a is the r of b" (istri, anak, suami, …).
_FAMILY = """
UNWIND $ids AS id
MATCH (p:Person {personId: id})-[f:FAMILY_OF]-(relative:Person)
RETURN id AS personId, relative.personId AS relativeId, relative.fullName AS relativeName,
       f.relation AS relation, startNode(f) = relative AS relativeIsSubject, f.basis AS basis
ORDER BY personId, relativeId, relation
"""


@dataclass(frozen=True)
class FamilyTie:
    person_id: str
    relative_id: str
    relative_name: str | None
    relation: str
    relative_is_subject: bool  # True: the relative is <relation> of the person; False: the reverse
    basis: str  # family_card | declared


def _tie(record: Record) -> FamilyTie:
    return FamilyTie(
        person_id=record["personId"],
        relative_id=record["relativeId"],
        relative_name=record["relativeName"],
        relation=record["relation"],
        relative_is_subject=record["relativeIsSubject"],
        basis=record["basis"],
    )


def _statement(person_ids: Sequence[str]) -> Statement[FamilyTie]:
    return Statement(_FAMILY, _tie, {"ids": list(dict.fromkeys(person_ids))})


def family_of(db: Db, person_ids: Sequence[str]) -> list[FamilyTie]:
    return run(db, _statement(person_ids))


async def family_of_async(db: AsyncDb, person_ids: Sequence[str]) -> list[FamilyTie]:
    return await run_async(db, _statement(person_ids))
