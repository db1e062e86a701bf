"""The access audit trail: who read whose identifiers, or decided about whose records, and why.

UU PDP 27/2022 Art. 31 asks a controller to record processing; the data subject may ask for its
history. Each ``(:AuditEvent)`` is one principal's access to one person in one request (a read of a
source record's identifiers is attributed, at write time, to the person the record resolves to). The trail is
append-only by construction: this module has a CREATE and reads, and no statement anywhere updates or
deletes an AuditEvent. Events carry ``personId`` as a property, not a relationship, so no traversal
(neighbourhood, paths) ever reaches them and merges/unmerges never rewrite history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from neo4j import AsyncManagedTransaction

from .gateway_io import ReadCypher, Row

# The event-id constraint and the person index live with every other key in graph/schema.py.

_RECORD: Final = """
UNWIND $events AS event
OPTIONAL MATCH (:SourceRecord {key: event.recordKey})-[:RESOLVES_TO]->(owner:Person)
CREATE (a:AuditEvent)
SET a = event, a.at = datetime(event.at), a.personId = coalesce(event.personId, owner.personId)
"""

_TRAIL: Final = """
MATCH (a:AuditEvent {personId: $personId})
WITH a ORDER BY a.at DESC, a.eventId
WITH collect(a) AS events
RETURN size(events) AS total,
       [a IN events[$skip..$skip + $limit] | a {.*}] AS events
"""


@dataclass(frozen=True)
class AuditEvent:
    event_id: str
    request_id: str  # shared by the events of one request (one write)
    at: datetime  # UTC
    sub: str
    role: str
    purpose: str | None
    action: str  # read_identifiers | decide_match | unmerge
    person_id: str | None  # None for a source record read: resolved from record_key when written
    record_key: str | None  # the source record read, when the values came from one
    fields: tuple[str, ...]  # identifier fields read unmasked; empty for decisions
    operation_hash: str  # sha256 of the GraphQL document and its variables

    def as_params(self) -> Row:
        return {
            "eventId": self.event_id,
            "requestId": self.request_id,
            "at": self.at.isoformat(),
            "sub": self.sub,
            "role": self.role,
            "purpose": self.purpose,
            "action": self.action,
            "personId": self.person_id,
            "recordKey": self.record_key,
            "fields": list(self.fields),
            "operationHash": self.operation_hash,
        }


async def record_events(tx: AsyncManagedTransaction, events: Sequence[AuditEvent]) -> None:
    """Append ``events`` in one statement (the caller's one write per request)."""
    result = await tx.run(_RECORD, {"events": [e.as_params() for e in events]})
    await result.consume()


async def audit_trail(read: ReadCypher, person_id: str, skip: int, limit: int) -> tuple[int, list[Row]]:
    """(total, events newest first) about ``person_id``: who accessed the person's data, when, why."""
    rows = await read(_TRAIL, {"personId": person_id, "skip": skip, "limit": limit})
    return (rows[0]["total"], rows[0]["events"]) if rows else (0, [])
