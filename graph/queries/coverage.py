"""LTSA coverage gap: regencies ranked by resident workers, with or without an LTSA office."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import Record

from ._run import AsyncDb, Db, Statement, run, run_async

# Only a real LTSA counts as coverage: a Disnaker desk named by a silo (isLtsa false) does not.
# Workers are counted by the :Worker label (set by the loader) so the count reads labels, not properties.
_COVERAGE = """
MATCH (r:Region) WHERE r.kind IN ['kabupaten', 'kota']
WITH r, COUNT { (r)<-[:LIVES_IN]-(:Worker) } AS workers
WITH r, workers, [(r)<-[:LOCATED_IN]-(o:LtsaOffice {isLtsa: true}) | o.name] AS offices
WHERE workers >= $minWorkers AND ($withLtsa IS NULL OR (size(offices) > 0) = $withLtsa)
OPTIONAL MATCH (r)-[:PART_OF]->(province:Region)
RETURN r.code AS code, r.name AS name, r.kind AS kind, province.name AS province, workers, offices
ORDER BY workers DESC, code
LIMIT $limit
"""


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    kind: str  # kabupaten | kota
    province: str | None
    workers: int
    offices: Sequence[str]

    @property
    def has_ltsa(self) -> bool:
        return bool(self.offices)


def _row(record: Record) -> CoverageRow:
    return CoverageRow(
        code=record["code"],
        name=record["name"],
        kind=record["kind"],
        province=record["province"],
        workers=record["workers"],
        offices=sorted(record["offices"]),
    )


def _statement(with_ltsa: bool | None, min_workers: int, limit: int) -> Statement[CoverageRow]:
    params = {"withLtsa": with_ltsa, "minWorkers": min_workers, "limit": limit}
    return Statement(_COVERAGE, _row, params)


def coverage_gap(
    db: Db, *, with_ltsa: bool | None = None, min_workers: int = 1, limit: int = 100
) -> list[CoverageRow]:
    """``with_ltsa=False`` gives the gap: the regencies sending most workers with no LTSA."""
    return run(db, _statement(with_ltsa, min_workers, limit))


async def coverage_gap_async(
    db: AsyncDb, *, with_ltsa: bool | None = None, min_workers: int = 1, limit: int = 100
) -> list[CoverageRow]:
    return await run_async(db, _statement(with_ltsa, min_workers, limit))
