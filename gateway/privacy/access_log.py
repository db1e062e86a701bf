"""What one request did with personal data, collected while it resolves and written once at the end.

Resolvers and field extensions call ``read_identifiers`` / ``record_action``; the ``AuditTrail``
schema extension turns the log into ``AuditEvent``s (one per person) and writes them in one statement.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from graph.queries.audit import AuditEvent

from ..auth.principal import Principal
from ..observability.request_id import current_request_id, new_request_id

READ_IDENTIFIERS: Final = "read_identifiers"
DECIDE_MATCH: Final = "decide_match"
UNMERGE: Final = "unmerge"


def operation_hash(document: str | None, variables: Mapping[str, Any] | None) -> str:
    """sha256 over the GraphQL document and its variables (canonical JSON): which request it was,
    without storing the identifiers a variable may hold."""
    payload = json.dumps({"query": document or "", "variables": variables or {}}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class AccessLog:
    # Whose identifiers were shown: "Person:<id>" or "SourceRecord:<key>" → fields.
    identifier_reads: dict[str, set[str]] = field(default_factory=dict)
    actions: dict[tuple[str, str], None] = field(default_factory=dict)  # (action, person id), ordered

    def read_identifiers(self, subject: str, fields: Iterable[str]) -> None:
        """Record that ``fields`` of ``subject`` (a Person or SourceRecord reference) were shown."""
        label, _, key = subject.partition(":")
        if label not in ("Person", "SourceRecord") or not key:
            raise ValueError(
                f"an identifier read needs a Person: or SourceRecord: reference, got {subject!r}"
            )
        chosen = set(fields)
        if chosen:
            self.identifier_reads.setdefault(subject, set()).update(chosen)

    def record_action(self, action: str, person_ids: Iterable[str]) -> None:
        for person_id in person_ids:
            self.actions[(action, person_id)] = None

    def __bool__(self) -> bool:
        return bool(self.identifier_reads or self.actions)

    def events(self, principal: Principal, operation: str, at: datetime) -> list[AuditEvent]:
        # The id the request's log lines carry (X-Request-Id), so audit trail and logs join on it.
        request_id = current_request_id() or new_request_id()

        def event(action: str, subject: str, fields: Iterable[str]) -> AuditEvent:
            label, _, key = subject.partition(":")
            return AuditEvent(
                event_id=uuid.uuid4().hex,
                request_id=request_id,
                at=at,
                sub=principal.sub,
                role=principal.role.value,
                purpose=principal.purpose,
                action=action,
                person_id=key if label == "Person" else None,
                record_key=key if label == "SourceRecord" else None,
                fields=tuple(sorted(fields)),
                operation_hash=operation,
            )

        reads = [event(READ_IDENTIFIERS, p, f) for p, f in sorted(self.identifier_reads.items())]
        return reads + [event(action, f"Person:{p}", ()) for action, p in self.actions]
