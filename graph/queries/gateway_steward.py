"""A steward decision on a candidate pair, applied to the graph in the same transaction that records it.

The merge and the split themselves are the graph's steward writes (``graph.queries.steward``); this
module adds what the gateway needs around them, in ONE write transaction (``tx``), so a decision, the
candidate's new version and the merge or split commit together or not at all:

* **Optimistic concurrency.** ``LOCK_CANDIDATE`` writes the candidate first, which takes Neo4j's
  write lock on it until commit, and only then is its ``version`` read. A second steward deciding the
  same pair waits for the lock, then sees the new version and gets ``DecisionConflict`` — never a lost
  update.
* **Unmerge by person**: the records must belong to the named person; a NON_MATCH is recorded for
  every moved/kept record pair (so the next linkage run keeps them apart), and placements and
  complaints only the moved records describe move with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from neo4j import AsyncManagedTransaction

from linkage.review import DECISION_VALUES, candidate_id

from ..identity import decision_id
from ._run import Statement, _in_async_tx
from .gateway_io import Row, native
from .steward import (
    MatchDecision,
    StewardConflict,
    UnmergeOutcome,
    UnmergeRequest,
    _match_statement,
    _unmerge_statement,
)

LOCK_CANDIDATE: Final = """
MATCH (c:MatchCandidate {candidateId: $id}) SET c.lockedAt = datetime() RETURN c.candidateId AS id
"""

CANDIDATE_STATE: Final = """
MATCH (c:MatchCandidate {candidateId: $id})
RETURN c.version AS version, c.leftKey AS leftKey, c.rightKey AS rightKey,
       [(c)-[:LEFT]->(:SourceRecord)-[:RESOLVES_TO]->(p:Person) | p.personId][0] AS leftPersonId,
       [(c)-[:RIGHT]->(:SourceRecord)-[:RESOLVES_TO]->(p:Person) | p.personId][0] AS rightPersonId
"""

# MERGE, not CREATE: the graph's merge write already made this decision node (same decisionId).
RECORD_DECISION: Final = """
MATCH (c:MatchCandidate {candidateId: $candidateId})
SET c.version = c.version + 1, c.status = 'decided', c.decision = $props.decision
REMOVE c.lockedAt
MERGE (d:StewardDecision {decisionId: $decisionId})
SET d += $props, d.origin = 'gateway'
WITH c, d
MATCH (c)-[:LEFT|RIGHT]->(s:SourceRecord)
MERGE (d)-[:ABOUT]->(s)
WITH DISTINCT c, d
RETURN c.version AS version, d {.*} AS decision,
       [(c)-[:LEFT|RIGHT]->(:SourceRecord)-[:RESOLVES_TO]->(p:Person) | p.personId] AS personIds
"""

RECORDS_OF_PERSON: Final = """
MATCH (s:SourceRecord)-[:RESOLVES_TO]->(:Person {personId: $personId}) RETURN s.key AS key ORDER BY key
"""

# Placements and complaints that no record left on the old person speaks about follow the records.
MOVE_DESCRIBED: Final = """
MATCH (old:Person {personId: $personId}), (new:Person {personId: $newId})
CALL (old, new) {
  MATCH (old)-[hp:HAS_PLACEMENT]->(pl:Placement)
  WHERE EXISTS { (:SourceRecord)-[:DESCRIBES]->(pl) }
    AND all(key IN [(s:SourceRecord)-[:DESCRIBES]->(pl) | s.key] WHERE key IN $keys)
  MERGE (new)-[:HAS_PLACEMENT]->(pl)
  DELETE hp
}
CALL (old, new) {
  MATCH (old)-[filed:FILED]->(c:Complaint)
  WHERE EXISTS { (:SourceRecord)-[:REPORTS]->(c) }
    AND all(key IN [(s:SourceRecord)-[:REPORTS]->(c) | s.key] WHERE key IN $keys)
  MERGE (new)-[:FILED]->(c)
  DELETE filed
}
"""

RECORD_PAIR_DECISIONS: Final = """
UNWIND $rows AS row
MERGE (d:StewardDecision {decisionId: row.decisionId})
SET d += row.props, d.origin = 'gateway'
WITH d, row
MATCH (s:SourceRecord) WHERE s.key IN [row.props.leftKey, row.props.rightKey]
MERGE (d)-[:ABOUT]->(s)
"""


class StewardError(ValueError):
    """A steward change that cannot be applied; the message says why. Nothing was written."""


class DecisionConflict(StewardError):
    """Another steward decided the candidate since the version the caller saw."""

    def __init__(self, candidate: str, expected: int, current: int) -> None:
        self.current = current
        super().__init__(
            f"candidate {candidate} was decided by someone else: you saw version {expected}, it is now "
            f"version {current}. Reload the candidate and decide again."
        )


@dataclass(frozen=True)
class Decision:
    candidate_id: str
    decision: str  # MATCH | NON_MATCH | UNSURE
    note: str
    steward: str
    decided_at: datetime


async def _run(tx: AsyncManagedTransaction, cypher: str, **params: Any) -> list[Row]:
    result = await tx.run(cypher, params)
    return [native(record.data()) async for record in result]


async def _apply(tx: AsyncManagedTransaction, statement: Statement[Any]) -> Any:
    """One of the graph's steward statements inside this transaction; its refusal becomes ours."""
    try:
        return (await _in_async_tx(tx, [statement]))[0]
    except StewardConflict as exc:
        raise StewardError(str(exc)) from exc


async def _split(
    tx: AsyncManagedTransaction, person_id: str, keys: Sequence[str], who: str, at: str, note: str
) -> str:
    outcome: UnmergeOutcome = await _apply(tx, _unmerge_statement(UnmergeRequest(keys, who, at, note)))
    await _run(tx, MOVE_DESCRIBED, personId=person_id, newId=outcome.new_person_id, keys=list(keys))
    return outcome.new_person_id


async def decide_candidate(tx: AsyncManagedTransaction, decision: Decision, expected_version: int) -> Row:
    """Record a decision and apply it: MATCH merges the two persons, NON_MATCH splits the right record
    off when both records are in one person, UNSURE changes nothing but the record.

    Returns {version, decision, personIds}; raises StewardError or DecisionConflict (nothing written).
    """
    if decision.decision not in DECISION_VALUES:
        raise StewardError(f"decision must be one of {', '.join(DECISION_VALUES)}, got {decision.decision!r}")
    if not decision.steward.strip():
        raise StewardError("a decision needs a steward (who decided)")
    if not await _run(tx, LOCK_CANDIDATE, id=decision.candidate_id):
        raise StewardError(f"unknown candidate {decision.candidate_id}")
    state = (await _run(tx, CANDIDATE_STATE, id=decision.candidate_id))[0]
    if state["version"] != expected_version:
        raise DecisionConflict(decision.candidate_id, expected_version, state["version"])
    at = decision.decided_at.isoformat(timespec="microseconds")
    if decision.decision == "MATCH" and state["leftPersonId"] != state["rightPersonId"]:
        match = MatchDecision(
            state["leftKey"], state["rightKey"], decision.steward, at, decision.note, decision.candidate_id
        )
        await _apply(tx, _match_statement(match))
    elif decision.decision == "NON_MATCH" and state["leftPersonId"] == state["rightPersonId"]:
        await _split(tx, state["leftPersonId"], [state["rightKey"]], decision.steward, at, decision.note)
    props = {
        "candidateId": decision.candidate_id,
        "leftKey": state["leftKey"],
        "rightKey": state["rightKey"],
        "decision": decision.decision,
        "note": decision.note,
        "steward": decision.steward,
        "decidedAt": at,
    }
    did = decision_id(decision.candidate_id, decision.decision, at)
    row = (await _run(tx, RECORD_DECISION, candidateId=decision.candidate_id, decisionId=did, props=props))[0]
    return {
        "version": row["version"],
        "decision": row["decision"],
        "personIds": sorted(set(row["personIds"])),
    }


async def unmerge(
    tx: AsyncManagedTransaction, person_id: str, keys: Sequence[str], reason: str, steward: str, at: datetime
) -> Row:
    """Split ``keys`` off ``person_id`` into a new person. Returns {personId, newPersonId, decisions}."""
    if not reason.strip():
        raise StewardError("an unmerge needs a reason")
    if not steward.strip():
        raise StewardError("an unmerge needs a steward (who decided)")
    own = [row["key"] for row in await _run(tx, RECORDS_OF_PERSON, personId=person_id)]
    if not own:
        raise StewardError(f"person {person_id} not found")
    foreign = sorted(set(keys) - set(own))
    if foreign:
        raise StewardError(f"record(s) {', '.join(foreign)} do not resolve to person {person_id}")
    moved, kept = sorted(set(keys)), [k for k in own if k not in set(keys)]
    if not moved or not kept:
        raise StewardError("an unmerge must move at least one record and keep at least one")
    stamp = at.isoformat(timespec="microseconds")
    new_id = await _split(tx, person_id, moved, steward, stamp, reason)
    rows = []
    for left, right in (tuple(sorted(pair)) for pair in ((m, k) for m in moved for k in kept)):
        cid = candidate_id(left, right)
        props = {
            "candidateId": cid,
            "leftKey": left,
            "rightKey": right,
            "decision": "NON_MATCH",
            "note": f"unmerge: {reason}",
            "steward": steward,
            "decidedAt": stamp,
        }
        rows.append({"decisionId": decision_id(cid, "NON_MATCH", stamp), "props": props})
    await _run(tx, RECORD_PAIR_DECISIONS, rows=rows)
    return {"personId": person_id, "newPersonId": new_id, "decisions": len(rows)}
