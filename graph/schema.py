"""Constraints and indexes for the core labels, applied idempotently (``IF NOT EXISTS``).

Run by ``ltsa graph init`` and by the gateway at start. Running it twice leaves the same schema.
"""

from __future__ import annotations

from typing import Final

from neo4j import Driver

# (name, statement). Names are stable so that SHOW CONSTRAINTS/INDEXES can be compared across runs.
CONSTRAINTS: Final = (
    ("person_id", "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.personId IS UNIQUE"),
    (
        "source_record_key",
        "CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.key IS UNIQUE",
    ),
    ("agency_id", "CREATE CONSTRAINT agency_id IF NOT EXISTS FOR (n:Agency) REQUIRE n.agencyId IS UNIQUE"),
    (
        "employer_id",
        "CREATE CONSTRAINT employer_id IF NOT EXISTS FOR (n:Employer) REQUIRE n.employerId IS UNIQUE",
    ),
    (
        "placement_id",
        "CREATE CONSTRAINT placement_id IF NOT EXISTS FOR (n:Placement) REQUIRE n.placementId IS UNIQUE",
    ),
    ("region_code", "CREATE CONSTRAINT region_code IF NOT EXISTS FOR (n:Region) REQUIRE n.code IS UNIQUE"),
    ("broker_id", "CREATE CONSTRAINT broker_id IF NOT EXISTS FOR (n:Broker) REQUIRE n.brokerId IS UNIQUE"),
    (
        "ltsa_office_id",
        "CREATE CONSTRAINT ltsa_office_id IF NOT EXISTS FOR (n:LtsaOffice) REQUIRE n.officeId IS UNIQUE",
    ),
    (
        "complaint_id",
        "CREATE CONSTRAINT complaint_id IF NOT EXISTS FOR (n:Complaint) REQUIRE n.complaintId IS UNIQUE",
    ),
    ("phone_e164", "CREATE CONSTRAINT phone_e164 IF NOT EXISTS FOR (n:Phone) REQUIRE n.e164 IS UNIQUE"),
    (
        "passport_number",
        "CREATE CONSTRAINT passport_number IF NOT EXISTS FOR (n:Passport) REQUIRE n.number IS UNIQUE",
    ),
    (
        "address_normalised",
        "CREATE CONSTRAINT address_normalised IF NOT EXISTS FOR (n:Address) REQUIRE n.normalised IS UNIQUE",
    ),
    (
        "steward_decision_id",
        "CREATE CONSTRAINT steward_decision_id IF NOT EXISTS "
        "FOR (n:StewardDecision) REQUIRE n.decisionId IS UNIQUE",
    ),
    (
        "unmerge_id",
        "CREATE CONSTRAINT unmerge_id IF NOT EXISTS FOR (n:Unmerge) REQUIRE n.unmergeId IS UNIQUE",
    ),
    ("load_run_id", "CREATE CONSTRAINT load_run_id IF NOT EXISTS FOR (n:LoadRun) REQUIRE n.runId IS UNIQUE"),
    (
        "audit_event_id",  # the audit trail is append-only; one node per event (graph/queries/audit.py)
        "CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.eventId IS UNIQUE",
    ),
)

# Only indexes a query in graph/queries uses: each one costs time at the first load and on every write.
INDEXES: Final = (
    ("person_nik", "CREATE INDEX person_nik IF NOT EXISTS FOR (n:Person) ON (n.nik)"),
    ("person_passport", "CREATE INDEX person_passport IF NOT EXISTS FOR (n:Person) ON (n.passportNumber)"),
    ("source_record_nik", "CREATE INDEX source_record_nik IF NOT EXISTS FOR (n:SourceRecord) ON (n.nik)"),
    ("region_kind", "CREATE INDEX region_kind IF NOT EXISTS FOR (n:Region) ON (n.kind)"),
    (
        "audit_event_person",
        "CREATE INDEX audit_event_person IF NOT EXISTS FOR (n:AuditEvent) ON (n.personId)",
    ),
    (
        # Full-text over every name a person is known by: ``knownNames`` holds the golden name and each
        # spelling/alias the silos used (every writer keeps it so), so ``fullName`` is not indexed
        # a second time: on a million persons that would be a third more work for the index.
        "person_names",
        "CREATE FULLTEXT INDEX person_names IF NOT EXISTS FOR (n:Person) ON EACH [n.knownNames]",
    ),
)


def apply_schema(driver: Driver, database: str = "neo4j") -> None:
    """Create every constraint and index that is missing, then wait until indexes are online."""
    with driver.session(database=database) as session:
        # Indexes first: each is populated in the background as soon as it is created, while a
        # constraint's statement returns only once its own index is built. So on a loaded store the
        # full-text index (the longest) is built during the constraints, not after them.
        for _name, statement in (*INDEXES, *CONSTRAINTS):
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()


def describe_schema(driver: Driver, database: str = "neo4j") -> list[tuple[str, str]]:
    """(kind, name) of every constraint and index, sorted; lets tests compare two runs."""
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=database)
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name", database_=database)
    return sorted([("constraint", r["name"]) for r in constraints] + [("index", r["name"]) for r in indexes])
