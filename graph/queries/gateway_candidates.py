"""Match candidates and steward decisions in the graph: loading, reading, exporting to decisions.csv.

``graph.load`` does not load ``candidates.parquet``; ``load_candidates`` adds each scored pair as a
``(:MatchCandidate)`` linked to its two ``(:SourceRecord)``s by ``LEFT``/``RIGHT``. A candidate carries
``version`` (0 when first loaded, +1 per steward decision) for optimistic concurrency. Reloading keeps
the version and a decided status, and removes candidates the new file no longer has.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import pandas as pd
from neo4j import Driver, ManagedTransaction

from linkage.linked import CANDIDATE_COLUMNS, CANDIDATES_FILE, DECISION_COLUMNS, DECISIONS_FILE
from linkage.review import STATUS_DECIDED, empty_decisions, merge_logs, read_decisions, write_log

from ..extract import camel
from .gateway_io import ReadCypher, Row

CANDIDATE_SCHEMA: Final = (
    "CREATE CONSTRAINT match_candidate_id IF NOT EXISTS "
    "FOR (n:MatchCandidate) REQUIRE n.candidateId IS UNIQUE",
    "CREATE INDEX match_candidate_status IF NOT EXISTS FOR (n:MatchCandidate) ON (n.status)",
    "CREATE INDEX steward_decision_candidate IF NOT EXISTS FOR (n:StewardDecision) ON (n.candidateId)",
)

LOAD_CANDIDATES: Final = """
UNWIND $rows AS row
MERGE (c:MatchCandidate {candidateId: row.candidateId})
ON CREATE SET c.version = 0
SET c.leftKey = row.leftKey, c.rightKey = row.rightKey, c.matchWeight = row.matchWeight,
    c.matchProbability = row.matchProbability, c.priorWeight = row.priorWeight,
    c.explanation = row.explanation, c.candidateRun = $run,
    c.status = CASE WHEN c.status = $decided THEN $decided ELSE row.status END
WITH c, row
MATCH (left:SourceRecord {key: row.leftKey}), (right:SourceRecord {key: row.rightKey})
MERGE (c)-[:LEFT]->(left)
MERGE (c)-[:RIGHT]->(right)
"""

DELETE_OTHER_CANDIDATES: Final = """
MATCH (c:MatchCandidate) WHERE c.candidateRun <> $run
CALL (c) { DETACH DELETE c } IN TRANSACTIONS OF 5000 ROWS
"""

# Each candidate is returned with the persons its two records resolve to *now* (after steward merges).
_CANDIDATE_MAP: Final = """c {.*,
  leftPersonId: [(c)-[:LEFT]->(:SourceRecord)-[:RESOLVES_TO]->(p:Person) | p.personId][0],
  rightPersonId: [(c)-[:RIGHT]->(:SourceRecord)-[:RESOLVES_TO]->(p:Person) | p.personId][0]}"""

# Only the filters given are in the statement: ``$status IS NULL OR c.status = $status`` cannot use the
# status index (Neo4j plans it as a scan of every candidate), ``c.status = $status`` can.
_CANDIDATE_FILTERS: Final = {
    "status": "c.status = $status",
    "minScore": "c.matchWeight >= $minScore",
    "source": "EXISTS { (c)-[:LEFT|RIGHT]->(:SourceRecord {source: $source}) }",
}


def candidate_page_statement(filters: Sequence[str]) -> str:
    """The review-queue page for the named filters (keys of ``_CANDIDATE_FILTERS``), best first."""
    where = " AND ".join(_CANDIDATE_FILTERS[f] for f in _CANDIDATE_FILTERS if f in filters)
    return f"""
MATCH (c:MatchCandidate){f" WHERE {where}" if where else ""}
WITH c ORDER BY c.matchWeight DESC, c.candidateId
WITH collect(c) AS matched
RETURN size(matched) AS total, [c IN matched[$skip..$skip + $limit] | {_CANDIDATE_MAP}] AS page
"""


CANDIDATES_BY_ID: Final = f"""
UNWIND $ids AS id
MATCH (c:MatchCandidate {{candidateId: id}})
RETURN id, {_CANDIDATE_MAP} AS node
"""

CANDIDATES_BY_PERSON: Final = f"""
UNWIND $ids AS id
MATCH (:Person {{personId: id}})<-[:RESOLVES_TO]-(:SourceRecord)<-[:LEFT|RIGHT]-(c:MatchCandidate)
WITH DISTINCT id, c ORDER BY c.matchWeight DESC, c.candidateId
RETURN id, collect({_CANDIDATE_MAP}) AS nodes
"""

DECISIONS_BY_CANDIDATE: Final = """
UNWIND $ids AS id
MATCH (d:StewardDecision {candidateId: id})
WITH id, d ORDER BY d.decidedAt, d.decisionId
RETURN id, collect(d {.*}) AS nodes
"""

DECISIONS_BY_PERSON: Final = """
UNWIND $ids AS id
MATCH (:Person {personId: id})<-[:RESOLVES_TO]-(:SourceRecord)<-[:ABOUT]-(d:StewardDecision)
WITH DISTINCT id, d ORDER BY d.decidedAt, d.decisionId
RETURN id, collect(d {.*}) AS nodes
"""

DECISION_PAGE: Final = """
MATCH (d:StewardDecision)
WHERE ($steward IS NULL OR d.steward = $steward)
WITH d ORDER BY d.decidedAt DESC, d.decisionId
WITH collect(d {.*}) AS matched
RETURN size(matched) AS total, matched[$skip..$skip + $limit] AS page
"""

LOAD_RUNS: Final = "MATCH (r:LoadRun) RETURN r {.*} AS run ORDER BY r.startedAt DESC, r.runId LIMIT $limit"

ALL_DECISIONS: Final = f"""
MATCH (d:StewardDecision)
RETURN {", ".join(f"d.{camel(c)} AS {c}" for c in DECISION_COLUMNS)}
ORDER BY d.decidedAt, d.decisionId
"""


def apply_candidate_schema(driver: Driver, database: str = "neo4j") -> None:
    with driver.session(database=database) as session:
        for statement in CANDIDATE_SCHEMA:
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()


def _candidate_rows(candidates: pd.DataFrame) -> list[Row]:
    rows = []
    for c in candidates.to_dict("records"):
        explanation = c["explanation"]
        json.loads(explanation)  # a malformed waterfall fails the load here, naming nothing half-written
        rows.append(
            {
                "candidateId": c["candidate_id"],
                "leftKey": c["left_key"],
                "rightKey": c["right_key"],
                "matchWeight": float(c["match_weight"]),
                "matchProbability": float(c["match_probability"]),
                "priorWeight": float(c["prior_weight"]),
                "status": c["status"],
                "explanation": explanation,
            }
        )
    return rows


def _write_candidates(tx: ManagedTransaction, rows: list[Row], run: str) -> None:
    tx.run(LOAD_CANDIDATES, rows=rows, run=run, decided=STATUS_DECIDED).consume()


def load_candidates(
    driver: Driver, linked_dir: Path, *, database: str = "neo4j", batch_size: int = 2000
) -> int:
    """Make the graph's candidates equal to ``candidates.parquet`` of a loaded linked folder.

    Run after ``graph.load.load_linked`` (candidates attach to loaded source records). Returns the
    number of candidates in the file.
    """
    path = linked_dir / CANDIDATES_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: file not found (expected in a folder written by `ltsa link`)")
    candidates = pd.read_parquet(path)
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    rows = _candidate_rows(candidates)
    run = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    apply_candidate_schema(driver, database)
    with driver.session(database=database) as session:
        for start in range(0, len(rows), batch_size):
            session.execute_write(_write_candidates, rows[start : start + batch_size], run)
        session.run(DELETE_OTHER_CANDIDATES, run=run).consume()
    return len(rows)


def export_decisions(driver: Driver, linked_dir: Path, *, database: str = "neo4j") -> int:
    """Append the graph's steward decisions to ``linked_dir/decisions.csv`` (the log the next
    ``ltsa link`` reads); rows already in the log are not repeated. Returns the number added."""
    records, _, _ = driver.execute_query(ALL_DECISIONS, database_=database)
    in_graph = pd.DataFrame([r.data() for r in records], columns=list(DECISION_COLUMNS)).fillna("")
    path = linked_dir / DECISIONS_FILE
    existing = read_decisions(path) if path.exists() else empty_decisions()
    merged = merge_logs(existing, in_graph.astype(str))
    added = len(merged) - len(existing.drop_duplicates())
    write_log(merged, path)
    return added


async def candidate_page(
    read: ReadCypher,
    *,
    status: str | None,
    min_score: float | None,
    source: str | None,
    skip: int,
    limit: int,
) -> tuple[int, list[Row]]:
    filters = {"status": status, "minScore": min_score, "source": source}
    given = {name: value for name, value in filters.items() if value is not None}
    rows = await read(candidate_page_statement(list(given)), {**given, "skip": skip, "limit": limit})
    return (rows[0]["total"], rows[0]["page"]) if rows else (0, [])


async def candidates_by_id(read: ReadCypher, ids: Sequence[str]) -> dict[str, Row]:
    return {row["id"]: row["node"] for row in await read(CANDIDATES_BY_ID, {"ids": list(ids)})}


async def candidates_by_person(read: ReadCypher, ids: Sequence[str]) -> dict[str, list[Row]]:
    return {row["id"]: row["nodes"] for row in await read(CANDIDATES_BY_PERSON, {"ids": list(ids)})}


async def decisions_by_candidate(read: ReadCypher, ids: Sequence[str]) -> dict[str, list[Row]]:
    return {row["id"]: row["nodes"] for row in await read(DECISIONS_BY_CANDIDATE, {"ids": list(ids)})}


async def decisions_by_person(read: ReadCypher, ids: Sequence[str]) -> dict[str, list[Row]]:
    return {row["id"]: row["nodes"] for row in await read(DECISIONS_BY_PERSON, {"ids": list(ids)})}


async def decision_page(
    read: ReadCypher, *, steward: str | None, skip: int, limit: int
) -> tuple[int, list[Row]]:
    rows = await read(DECISION_PAGE, {"steward": steward, "skip": skip, "limit": limit})
    return (rows[0]["total"], rows[0]["page"]) if rows else (0, [])


async def load_runs(read: ReadCypher, limit: int) -> list[Row]:
    return [row["run"] for row in await read(LOAD_RUNS, {"limit": limit})]
