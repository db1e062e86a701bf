"""The Cypher of the loader: batched ``UNWIND $rows AS row MERGE …`` statements, one or a few per step.

Every node and relationship written gets ``loadRun = $run``; after the last step the loader deletes
what carries another run id (see ``graph.load``), so the graph always equals one linked output.
``SET n = row.props`` (not ``+=``) replaces the whole property map: a value that a new linkage run no
longer has disappears instead of lingering.
"""

from __future__ import annotations

from typing import Final

REGIONS: Final = """
UNWIND $rows AS row
MERGE (r:Region {code: row.code})
SET r.name = row.name, r.kind = row.kind, r.loadRun = $run
WITH r, row WHERE row.parent IS NOT NULL
MERGE (p:Region {code: row.parent})
MERGE (r)-[rel:PART_OF]->(p)
SET rel.loadRun = $run
"""

OFFICES: Final = """
UNWIND $rows AS row
MERGE (o:LtsaOffice {officeId: row.officeId})
SET o.name = row.name, o.isLtsa = row.isLtsa, o.loadRun = $run
WITH o, row WHERE row.region IS NOT NULL
MATCH (r:Region {code: row.region})
MERGE (o)-[rel:LOCATED_IN]->(r)
SET rel.loadRun = $run
"""

# Each step is a tuple of statements run in order in one transaction per batch. Splitting keeps every
# statement free of Eager operators, and every pattern starts from a unique-key seek: a pattern like
# ``(s)-[:RESOLVES_TO]->(other:Person) WHERE other.personId <> …`` lets the planner scan the Person
# index per row when the statistics say SourceRecord is empty (the first batch of a first load), which
# made that one batch cost rows × persons.
PERSONS: Final = (
    """
UNWIND $rows AS row
MERGE (p:Person {personId: row.personId})
SET p = row.props, p.loadRun = $run
REMOVE p:Worker
FOREACH (_ IN CASE WHEN row.props.isWorker THEN [1] ELSE [] END | SET p:Worker)
""",
    """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})-[old:LIVES_IN]->(r)
WHERE row.region IS NULL OR r.code <> row.region
DELETE old
""",
    """
UNWIND $rows AS row
WITH row WHERE row.region IS NOT NULL
MATCH (p:Person {personId: row.personId})
MATCH (r:Region {code: row.region})
MERGE (p)-[rel:LIVES_IN]->(r)
SET rel.loadRun = $run
""",
)

# Re-pointing happens here, in the batch that writes the record, so a record is never attached to
# two persons in any committed state. The stale tie goes first, so the second statement only adds.
RECORDS: Final = (
    """
UNWIND $rows AS row
MATCH (s:SourceRecord {key: row.key})-[old:RESOLVES_TO]->(other)
WHERE other.personId <> row.personId
DELETE old
""",
    """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
MERGE (s:SourceRecord {key: row.key})
SET s = row.props, s.loadRun = $run
MERGE (s)-[rel:RESOLVES_TO]->(p)
SET rel.loadRun = $run
""",
)

PHONES: Final = """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
MERGE (x:Phone {e164: row.e164})
SET x.loadRun = $run
MERGE (p)-[rel:HAS_PHONE]->(x)
SET rel.sources = row.sources, rel.loadRun = $run
"""

PASSPORTS: Final = """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
MERGE (x:Passport {number: row.number})
SET x.loadRun = $run
MERGE (p)-[rel:HAS_PASSPORT]->(x)
SET rel.sources = row.sources, rel.loadRun = $run
"""

ADDRESSES: Final = """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
MERGE (x:Address {normalised: row.normalised})
SET x.loadRun = $run
MERGE (p)-[rel:HAS_ADDRESS]->(x)
SET rel.sources = row.sources, rel.loadRun = $run
"""

AGENCIES: Final = """
UNWIND $rows AS row
MERGE (a:Agency {agencyId: row.agencyId})
SET a.name = row.name, a.licence = row.licence, a.loadRun = $run
"""

EMPLOYERS: Final = """
UNWIND $rows AS row
MERGE (e:Employer {employerId: row.employerId})
SET e.name = row.name, e.country = row.country, e.loadRun = $run
"""

BROKERS: Final = """
UNWIND $rows AS row
MERGE (b:Broker {brokerId: row.brokerId})
SET b.name = row.name, b.phone = row.phone, b.loadRun = $run
WITH b, row WHERE row.phone IS NOT NULL
MERGE (x:Phone {e164: row.phone})
SET x.loadRun = $run
MERGE (b)-[rel:HAS_PHONE]->(x)
SET rel.loadRun = $run
"""

RECRUITMENTS: Final = """
UNWIND $rows AS row
MATCH (b:Broker {brokerId: row.brokerId}), (p:Person {personId: row.personId})
MERGE (b)-[rel:RECRUITED]->(p)
SET rel.loadRun = $run
"""

PLACEMENTS: Final = (
    """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
MERGE (pl:Placement {placementId: row.placementId})
SET pl = row.props, pl.loadRun = $run
MERGE (p)-[hp:HAS_PLACEMENT]->(pl)
SET hp.loadRun = $run
""",
    """
UNWIND $rows AS row
WITH row WHERE row.agencyId IS NOT NULL
MATCH (pl:Placement {placementId: row.placementId})
MERGE (a:Agency {agencyId: row.agencyId})
MERGE (pl)-[rel:THROUGH_AGENCY]->(a)
SET rel.loadRun = $run
""",
    """
UNWIND $rows AS row
WITH row WHERE row.employerId IS NOT NULL
MATCH (pl:Placement {placementId: row.placementId})
MERGE (e:Employer {employerId: row.employerId})
MERGE (pl)-[rel:WITH_EMPLOYER]->(e)
SET rel.loadRun = $run
""",
    """
UNWIND $rows AS row
MATCH (pl:Placement {placementId: row.placementId})
UNWIND row.recordKeys AS key
MATCH (s:SourceRecord {key: key})
MERGE (s)-[rel:DESCRIBES]->(pl)
SET rel.loadRun = $run
""",
)

FAMILY: Final = """
UNWIND $rows AS row
MATCH (a:Person {personId: row.from}), (b:Person {personId: row.to})
MERGE (a)-[rel:FAMILY_OF {relation: row.relation}]->(b)
SET rel.basis = row.basis, rel.loadRun = $run
"""

COMPLAINTS: Final = """
UNWIND $rows AS row
MERGE (c:Complaint {complaintId: row.complaintId})
SET c += row.props, c.loadRun = $run
WITH c, row
MATCH (s:SourceRecord {key: row.recordKey})
MERGE (s)-[rs:REPORTS]->(c)
SET rs.loadRun = $run
WITH c, row
MATCH (f:Person {personId: row.filerId}), (w:Person {personId: row.concernsId})
MERGE (f)-[rf:FILED]->(c)
SET rf.loadRun = $run
MERGE (c)-[rc:CONCERNS]->(w)
SET rc.loadRun = $run
FOREACH (aid IN CASE WHEN row.agencyId IS NULL THEN [] ELSE [row.agencyId] END |
  MERGE (a:Agency {agencyId: aid})
  MERGE (c)-[rel:AGAINST]->(a)
  SET rel.loadRun = $run)
FOREACH (bid IN CASE WHEN row.brokerId IS NULL THEN [] ELSE [row.brokerId] END |
  MERGE (b:Broker {brokerId: bid})
  MERGE (c)-[rel:AGAINST]->(b)
  SET rel.loadRun = $run)
"""

OFFICE_VISITS: Final = """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId}), (o:LtsaOffice {officeId: row.officeId})
MERGE (p)-[rel:SERVED_AT]->(o)
SET rel.loadRun = $run
"""

DECISIONS: Final = """
UNWIND $rows AS row
MERGE (d:StewardDecision {decisionId: row.decisionId})
SET d = row.props, d.loadRun = $run
WITH d, row
UNWIND row.keys AS key
MATCH (s:SourceRecord {key: key})
MERGE (d)-[rel:ABOUT]->(s)
SET rel.loadRun = $run
"""

# --- the load manifest (one :LoadRun node per linked output) ------------------------------------------

START_RUN: Final = """
MERGE (r:LoadRun {runId: $run})
ON CREATE SET r.status = 'running', r.startedAt = datetime(), r.source = $source, r.progress = '{}'
ON MATCH SET r.progress = CASE r.status WHEN 'running' THEN r.progress ELSE '{}' END,
             r.status = 'running'
RETURN r.progress AS progress
"""

# Written in the same transaction as the batch it records, so progress never runs ahead of the data.
RECORD_PROGRESS: Final = "MATCH (r:LoadRun {runId: $run}) SET r.progress = $progress"

OTHER_RUNS: Final = (
    "MATCH (r:LoadRun) WHERE r.runId <> $run AND r.status <> 'superseded' RETURN count(r) AS n"
)

FINISH_RUN: Final = """
MATCH (r:LoadRun {runId: $run})
SET r.status = 'complete', r.completedAt = datetime(), r.progress = '{}'
WITH r
MATCH (o:LoadRun) WHERE o.runId <> $run
SET o.status = 'superseded'
"""

# Labels written by the loader; stale nodes of these labels are removed by a newer load. Steward
# history made in the graph (:Unmerge) carries no loadRun and is never removed.
LOADED_LABELS: Final = (
    "Person",
    "SourceRecord",
    "Phone",
    "Passport",
    "Address",
    "Agency",
    "Employer",
    "Broker",
    "Placement",
    "Complaint",
    "StewardDecision",
    "LtsaOffice",
    "Region",
)


def delete_stale_nodes(label: str) -> str:
    """Nodes of ``label`` (from ``LOADED_LABELS`` only) not written by run ``$run``."""
    if label not in LOADED_LABELS:
        raise ValueError(f"not a loaded label: {label!r}")
    return (
        f"MATCH (n:{label}) WHERE n.loadRun IS NULL OR n.loadRun <> $run "
        "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
    )


DELETE_STALE_RELATIONSHIPS: Final = """
MATCH ()-[rel]->() WHERE rel.loadRun <> $run
CALL (rel) { DELETE rel } IN TRANSACTIONS OF 5000 ROWS
"""
