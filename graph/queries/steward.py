"""Steward writes: apply a MATCH (merge two persons) or an unmerge (split records off), with history.

Both run every request of a batch in one transaction. A request that cannot apply (unknown record,
records of several persons, nothing left to split) raises ``StewardConflict`` and rolls the whole
batch back, so a bad request never leaves a half-applied decision behind.
The next linkage run reads the same decisions from ``decisions.csv``; reloading its output then
agrees with what was applied here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from neo4j import Record

from linkage.canonical import PERSON_FIELDS

from ..extract import camel
from ..identity import decision_id, digest, split_person_id
from ._run import AsyncDb, Db, Statement, run, run_async


class StewardConflict(ValueError):
    """A steward request does not fit the graph as it is; nothing was written."""


# Relationships a person holds, moved from the absorbed person to the survivor on a merge:
# (type, the person is the start node, properties that tell two such relationships apart).
_PERSON_RELATIONSHIPS: Final = (
    ("RESOLVES_TO", False, ()),
    ("HAS_PHONE", True, ()),
    ("HAS_PASSPORT", True, ()),
    ("HAS_ADDRESS", True, ()),
    ("HAS_PLACEMENT", True, ()),
    ("SERVED_AT", True, ()),
    ("FILED", True, ()),
    ("CONCERNS", False, ()),
    ("RECRUITED", False, ()),
    ("FAMILY_OF", True, ("relation",)),
    ("FAMILY_OF", False, ("relation",)),
)


_GOLDEN: Final = tuple(camel(f) for f in PERSON_FIELDS)


def _move(rel_type: str, outgoing: bool, keys: tuple[str, ...]) -> str:
    key_map = "{" + ", ".join(f"{k}: r.{k}" for k in keys) + "}" if keys else ""
    old = f"(gone)-[r:{rel_type}]->(x)" if outgoing else f"(gone)<-[r:{rel_type}]-(x)"
    new = f"(keep)-[n:{rel_type} {key_map}]->(x)" if outgoing else f"(keep)<-[n:{rel_type} {key_map}]-(x)"
    return f"""CALL (keep, gone, problem) {{
  WITH * WHERE problem IS NULL AND keep <> gone
  MATCH {old} WHERE x <> keep
  MERGE {new}
  SET n += properties(r)
  DELETE r
}}"""


def _joined_names(names: str) -> str:
    """Cypher for the distinct non-empty strings of the list ``names``, sorted and " | "-joined as the
    loader writes ``knownNames``; null when there are none."""
    ordered = (
        f"COLLECT {{ UNWIND {names} AS name WITH DISTINCT name WHERE name <> '' RETURN name ORDER BY name }}"
    )
    joined = f"reduce(s = '', name IN {ordered} | s + CASE WHEN s = '' THEN '' ELSE ' | ' END + name)"
    return f"nullIf({joined}, '')"


# Name search reads knownNames only, so every write of a person keeps it complete.
_KNOWN_NAMES_OF_BOTH: Final = _joined_names(  # the merge's survivor: every name of both persons
    "split(coalesce(keep.knownNames, ''), ' | ') + split(coalesce(gone.knownNames, ''), ' | ')"
    " + [coalesce(keep.fullName, '')]"
)
_KNOWN_NAMES_OF_MOVING: Final = _joined_names("[s IN moving | coalesce(s.fullName, '')]")  # split-off

_MATCH = (
    """
OPTIONAL MATCH (ls:SourceRecord {key: $left})-[:RESOLVES_TO]->(lp:Person)
OPTIONAL MATCH (rs:SourceRecord {key: $right})-[:RESOLVES_TO]->(rp:Person)
WITH ls, rs, lp, rp,
     COUNT { (lp)<-[:RESOLVES_TO]-() } AS ln, COUNT { (rp)<-[:RESOLVES_TO]-() } AS rn
WITH ls, rs, lp, rp, ln, rn,
     CASE WHEN lp IS NULL OR rp IS NULL THEN 'record not loaded or not resolved: ' +
          CASE WHEN lp IS NULL THEN $left ELSE $right END END AS problem
// The survivor keeps its stable ID: the person with more records (ties: the smaller ID).
WITH ls, rs, problem,
     CASE WHEN ln > rn OR (ln = rn AND lp.personId <= rp.personId) THEN lp ELSE rp END AS keep,
     CASE WHEN ln > rn OR (ln = rn AND lp.personId <= rp.personId) THEN rp ELSE lp END AS gone
WITH ls, rs, problem, keep, gone, gone.personId AS goneId,
     COUNT { (gone)<-[:RESOLVES_TO]-() } AS moved
"""
    + "\n".join(_move(t, out, keys) for t, out, keys in _PERSON_RELATIONSHIPS)
    + """
CALL (keep, gone, problem) {
  WITH * WHERE problem IS NULL AND keep <> gone
  // Golden values: the survivor's stay; the absorbed person only fills the survivor's gaps.
  SET """
    + ", ".join(f"keep.{name} = coalesce(keep.{name}, gone.{name})" for name in _GOLDEN)
    + """,
      keep.isWorker = coalesce(keep.isWorker, false) OR coalesce(gone.isWorker, false),
      keep.recordCount = COUNT { (keep)<-[:RESOLVES_TO]-() },
      keep.knownNames = """
    + _KNOWN_NAMES_OF_BOTH
    + """
  FOREACH (_ IN CASE WHEN keep.isWorker THEN [1] ELSE [] END | SET keep:Worker)
  DETACH DELETE gone
}
CALL (ls, rs, keep, goneId, problem) {
  WITH * WHERE problem IS NULL
  MERGE (d:StewardDecision {decisionId: $decisionId})
  SET d += $props, d.survivorId = keep.personId, d.absorbedId = CASE WHEN goneId <> keep.personId
      THEN goneId END
  MERGE (d)-[:ABOUT]->(ls)
  MERGE (d)-[:ABOUT]->(rs)
  MERGE (d)-[:KEPT]->(keep)
}
RETURN problem, keep.personId AS survivorId,
       CASE WHEN goneId <> keep.personId THEN goneId END AS absorbedId,
       CASE WHEN goneId <> keep.personId THEN moved ELSE 0 END AS moved
"""
)

_UNMERGE = (
    """
OPTIONAL MATCH (s:SourceRecord)-[:RESOLVES_TO]->(old:Person) WHERE s.key IN $keys
WITH collect(DISTINCT old) AS olds, collect(s) AS moving
WITH moving, CASE WHEN size(olds) = 1 THEN olds[0] END AS old
WITH moving, old,
     CASE
       WHEN size(moving) <> size($keys) THEN 'record(s) not loaded or not resolved'
       WHEN old IS NULL THEN 'the records belong to several persons'
       WHEN COUNT { (old)<-[:RESOLVES_TO]-() } = size(moving) THEN 'nothing to split: all its records'
       WHEN EXISTS { (:Person {personId: $newId}) } THEN 'these records were already split off once'
     END AS problem
CALL (moving, old, problem) {
  WITH * WHERE problem IS NULL
  WITH moving, old, head(moving) AS first
  CREATE (new:Person {personId: $newId})
  SET new.fullName = first.fullName, new.nik = first.nik, new.sex = first.sex,
      new.phone = first.phone, new.passportNumber = first.passportNumber,
      new.regionCode = first.regionCode, new.kkNumber = first.kkNumber,
      new.birthDate = CASE WHEN first.birthDate =~ '\\d{4}-\\d{2}-\\d{2}' THEN date(first.birthDate) END,
      new.isWorker = old.isWorker, new.recordCount = size(moving),
      // The old person keeps its names (a superset) until the next linkage run recomputes them.
      new.knownNames = """
    + _KNOWN_NAMES_OF_MOVING
    + """
  FOREACH (_ IN CASE WHEN old.isWorker THEN [1] ELSE [] END | SET new:Worker)
  SET old.recordCount = old.recordCount - size(moving)
  WITH moving, old, new
  UNWIND moving AS s
  MATCH (s)-[r:RESOLVES_TO]->(old)
  DELETE r
  CREATE (s)-[:RESOLVES_TO]->(new)
  FOREACH (e164 IN CASE WHEN s.phone IS NULL THEN [] ELSE [s.phone] END |
    MERGE (x:Phone {e164: e164}) MERGE (new)-[:HAS_PHONE]->(x))
  FOREACH (number IN CASE WHEN s.passportNumber IS NULL THEN [] ELSE [s.passportNumber] END |
    MERGE (x:Passport {number: number}) MERGE (new)-[:HAS_PASSPORT]->(x))
  WITH DISTINCT old, new
  CREATE (u:Unmerge {unmergeId: $unmergeId})
  SET u += $props, u.recordKeys = $keys, u.fromPersonId = old.personId, u.newPersonId = new.personId
  CREATE (u)-[:SPLIT_FROM]->(old), (u)-[:SPLIT_INTO]->(new)
}
RETURN problem, old.personId AS fromPersonId
"""
)


@dataclass(frozen=True)
class MatchDecision:
    """Two source records a steward says are the same person (a candidate pair)."""

    left_key: str
    right_key: str
    steward: str
    decided_at: str  # ISO 8601 UTC
    note: str = ""
    candidate_id: str = ""


@dataclass(frozen=True)
class MergeOutcome:
    survivor_id: str
    absorbed_id: str | None  # None: both records were already on the same person
    records_moved: int


@dataclass(frozen=True)
class UnmergeRequest:
    """Source records a steward says are not the person they resolved to; they become a new person."""

    record_keys: Sequence[str]
    steward: str
    decided_at: str
    note: str = ""


@dataclass(frozen=True)
class UnmergeOutcome:
    from_person_id: str
    new_person_id: str


def _checked(record: Record) -> Record:
    if record["problem"] is not None:
        raise StewardConflict(record["problem"])
    return record


def _match_statement(d: MatchDecision) -> Statement[MergeOutcome]:
    def outcome(record: Record) -> MergeOutcome:
        r = _checked(record)
        return MergeOutcome(r["survivorId"], r["absorbedId"], r["moved"])

    candidate = d.candidate_id or digest(*sorted((d.left_key, d.right_key)))
    props = {
        "decision": "MATCH",
        "candidateId": candidate,
        "leftKey": d.left_key,
        "rightKey": d.right_key,
        "steward": d.steward,
        "note": d.note,
        "decidedAt": d.decided_at,
    }
    params = {
        "left": d.left_key,
        "right": d.right_key,
        "decisionId": decision_id(candidate, "MATCH", d.decided_at),
        "props": props,
    }
    return Statement(_MATCH, outcome, params, write=True)


def _unmerge_statement(u: UnmergeRequest) -> Statement[UnmergeOutcome]:
    keys = sorted(dict.fromkeys(u.record_keys))
    if not keys:
        raise StewardConflict("an unmerge needs at least one record key")
    new_id = split_person_id(keys)

    def outcome(record: Record) -> UnmergeOutcome:
        return UnmergeOutcome(_checked(record)["fromPersonId"], new_id)

    params = {
        "keys": keys,
        "newId": new_id,
        "unmergeId": f"U:{digest(new_id, u.decided_at)}",
        "props": {"steward": u.steward, "note": u.note, "decidedAt": u.decided_at},
    }
    return Statement(_UNMERGE, outcome, params, write=True)


def apply_matches(db: Db, decisions: Sequence[MatchDecision]) -> list[MergeOutcome]:
    return run(db, *(_match_statement(d) for d in decisions))


async def apply_matches_async(db: AsyncDb, decisions: Sequence[MatchDecision]) -> list[MergeOutcome]:
    return await run_async(db, *(_match_statement(d) for d in decisions))


def apply_unmerges(db: Db, requests: Sequence[UnmergeRequest]) -> list[UnmergeOutcome]:
    return run(db, *(_unmerge_statement(u) for u in requests))


async def apply_unmerges_async(db: AsyncDb, requests: Sequence[UnmergeRequest]) -> list[UnmergeOutcome]:
    return await run_async(db, *(_unmerge_statement(u) for u in requests))
