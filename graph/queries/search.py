"""Name search over the full-text index ``person_names`` (golden name and every silo spelling)."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Record

from ..identity import normalise_text
from ._run import AsyncDb, Db, Statement, run, run_async

_SEARCH = """
CALL db.index.fulltext.queryNodes('person_names', $query, {limit: $limit})
YIELD node, score
RETURN node.personId AS personId, node.fullName AS fullName, node.birthDate AS birthDate,
       node.regionCode AS regionCode, node.isWorker AS isWorker, score
ORDER BY score DESC, personId
"""


@dataclass(frozen=True)
class SearchHit:
    person_id: str
    full_name: str | None
    birth_date: object | None  # datetime.date
    region_code: str | None
    is_worker: bool
    score: float


def lucene_query(text: str) -> str:
    """Every word must match, each allowing one edit (old ↔ new spelling: "Tjahja" ~ "Cahya").

    Only letters, digits and spaces survive normalisation, so no Lucene syntax from the caller reaches
    the index.
    """
    words = normalise_text(text).lower().split()
    if not words:
        raise ValueError("a name search needs at least one letter or digit")
    return " AND ".join(f"{w}~1" if len(w) > 3 else w for w in words)


def _hit(record: Record) -> SearchHit:
    birth = record["birthDate"]
    return SearchHit(
        person_id=record["personId"],
        full_name=record["fullName"],
        birth_date=birth.to_native() if birth is not None else None,
        region_code=record["regionCode"],
        is_worker=bool(record["isWorker"]),
        score=float(record["score"]),
    )


def _statement(text: str, limit: int) -> Statement[SearchHit]:
    return Statement(_SEARCH, _hit, {"query": lucene_query(text), "limit": max(1, min(limit, 500))})


def search_persons(db: Db, text: str, limit: int = 20) -> list[SearchHit]:
    return run(db, _statement(text, limit))


async def search_persons_async(db: AsyncDb, text: str, limit: int = 20) -> list[SearchHit]:
    return await run_async(db, _statement(text, limit))
