"""The per-request audit write: none for masked reads; a response withheld when it cannot be written."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from typing import Any

import strawberry
from neo4j import AsyncGraphDatabase

from gateway.auth.principal import Principal, Role
from gateway.privacy.access_log import AccessLog
from gateway.privacy.audit_trail import AUDIT_UNAVAILABLE, AuditTrail
from gateway.privacy.fields import MaskedIdentifier
from gateway.privacy.masking import IdentifierKind
from gateway.runner import CypherRunner


@strawberry.type
class Person:
    id: strawberry.ID
    nik: str | None = strawberry.field(extensions=[MaskedIdentifier(IdentifierKind.NIK)])


@strawberry.type
class Query:
    @strawberry.field
    def person(self) -> Person:
        return Person(id=strawberry.ID("P-1"), nik="3201010101900001")


@dataclass
class Context:
    principal: Principal
    runner: CypherRunner
    access_log: AccessLog = field(default_factory=AccessLog)


SCHEMA = strawberry.Schema(Query, extensions=[AuditTrail])


def unreachable_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(principal: Principal) -> tuple[Any, Context]:
    async def main() -> tuple[Any, Context]:
        # Nothing listens on the port: the write fails at once (no retrying for the usual 30 s).
        uri = f"bolt://127.0.0.1:{unreachable_port()}"
        driver = AsyncGraphDatabase.driver(uri, connection_timeout=2, max_transaction_retry_time=0)
        try:
            context = Context(principal, CypherRunner(driver, "neo4j"))
            return await SCHEMA.execute("{ person { id nik } }", context_value=context), context
        finally:
            await driver.close()

    return asyncio.run(main())


def test_a_masked_read_writes_nothing_so_needs_no_database() -> None:
    result, context = run(Principal("u", Role.APP))
    assert result.errors is None and result.data == {"person": {"id": "P-1", "nik": "3201********0001"}}
    assert context.runner.round_trips == 0


def test_an_unrecorded_disclosure_is_withheld() -> None:
    result, context = run(Principal("rina", Role.INVESTIGATOR, "CASE-2026-0001"))
    assert context.runner.round_trips == 1  # one write was attempted, for the whole request
    assert result.data is None
    [error] = result.errors
    assert error.extensions == {"code": AUDIT_UNAVAILABLE} and "3201010101900001" not in str(result)
