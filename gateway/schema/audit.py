"""``auditTrail(personId)``: who accessed a person's data, when, in which role and for what purpose.

For admins only. Answers a data subject's request for the processing history of their data
(UU PDP 27/2022) and an auditor's "who looked at this person".
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.queries.audit import audit_trail
from graph.queries.gateway_io import Row

from ..auth.permissions import CanReadAuditTrail, guarded
from ..context import Info
from .pagination import Connection, PageRequest, connection


@strawberry.type(description="One principal's access to one person's data in one request.")
class AuditEvent:
    id: strawberry.ID
    at: datetime = strawberry.field(description="When (UTC).")
    subject: str = strawberry.field(description="Who: the token subject.")
    role: str
    purpose: str | None = strawberry.field(description="The purpose declared (X-Purpose), if any.")
    action: str = strawberry.field(description="read_identifiers | decide_match | unmerge")
    person_id: strawberry.ID | None = strawberry.field(description="Whose data (null: record unresolved).")
    record_key: str | None = strawberry.field(description="The source record read, when it was one.")
    fields: list[str] = strawberry.field(description="Identifier fields read unmasked.")
    operation_hash: str = strawberry.field(description="sha256 of the GraphQL document and variables.")
    request_id: str = strawberry.field(description="Shared by the events of one request.")

    @classmethod
    def from_row(cls, row: Row) -> AuditEvent:
        return cls(
            id=strawberry.ID(row["eventId"]),
            at=row["at"],
            subject=row["sub"],
            role=row["role"],
            purpose=row.get("purpose"),
            action=row["action"],
            person_id=strawberry.ID(row["personId"]) if row.get("personId") else None,
            record_key=row.get("recordKey"),
            fields=list(row.get("fields") or []),
            operation_hash=row["operationHash"],
            request_id=row["requestId"],
        )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="Who accessed this person's data, newest first.",
        extensions=[guarded(CanReadAuditTrail)],
    )
    async def audit_trail(
        self, info: Info, person_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[AuditEvent]:
        page = PageRequest.of(first, after)
        total, rows = await audit_trail(info.context.runner.read, str(person_id), page.skip, page.limit)
        return connection([AuditEvent.from_row(r) for r in rows], total, page)
