"""The schema extension that writes a request's access log as audit events: one write per request.

It runs after the operation resolved. When the log is empty (masked reads only, a refused request)
nothing is written. When the write fails, the request fails closed: its data is withheld and the one
error says the access could not be recorded — an unrecorded disclosure is the thing UU PDP forbids.
A mutation has already committed by then; its own StewardDecision/Unmerge nodes still name the steward.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from graphql import ExecutionResult, GraphQLError
from neo4j import AsyncManagedTransaction
from strawberry.extensions import SchemaExtension

from graph.queries.audit import record_events

from ..auth.principal import Principal
from .access_log import AccessLog, operation_hash

AUDIT_UNAVAILABLE = "AUDIT_UNAVAILABLE"
log = logging.getLogger(__name__)


class AuditTrail(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        access_log = getattr(context, "access_log", None)
        principal = getattr(context, "principal", None)
        if not isinstance(access_log, AccessLog) or not access_log or not isinstance(principal, Principal):
            return
        document = operation_hash(self.execution_context.query, self.execution_context.variables)
        events = access_log.events(principal, document, datetime.now(UTC))

        async def work(tx: AsyncManagedTransaction) -> None:
            await record_events(tx, events)

        try:
            await context.runner.write(work)
        except Exception:  # any failure: the disclosure must not leave unrecorded
            log.exception("audit write failed; withholding the response (%d events)", len(events))
            self._withhold()

    def _withhold(self) -> None:
        result = self.execution_context.result
        if isinstance(result, ExecutionResult):
            result.data = None
            result.errors = [
                GraphQLError(
                    "the access could not be recorded in the audit trail, so nothing is returned; "
                    "try again later",
                    extensions={"code": AUDIT_UNAVAILABLE},
                )
            ]
