"""The audit trail in Neo4j: append-only events, newest first per person, the event-id constraint;
and the Cypher transaction timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import neo4j
import pytest
from neo4j import AsyncManagedTransaction, Driver

from gateway.runner import CypherRunner
from graph.connection import Neo4jSettings, async_driver
from graph.queries.audit import AuditEvent, audit_trail, record_events
from graph.schema import apply_schema, describe_schema
from graph.timeouts import bounded, bounded_query, cypher_timeout_s, timed_out

pytestmark = pytest.mark.neo4j
T = TypeVar("T")


@pytest.fixture(autouse=True)
def schema(neo4j_driver: Driver) -> None:
    apply_schema(neo4j_driver)  # the audit constraint is part of the graph's schema bootstrap


def with_runner(settings: Neo4jSettings, work: Callable[[CypherRunner], Awaitable[T]]) -> T:
    async def main() -> T:
        driver = async_driver(settings)
        try:
            return await work(CypherRunner(driver, settings.database))
        finally:
            await driver.close()

    return asyncio.run(main())


def event(n: int, person_id: str, at: datetime, **overrides: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "event_id": f"E-{n}",
        "request_id": "R-1",
        "at": at,
        "sub": "rina",
        "role": "investigator",
        "purpose": "CASE-2026-0001",
        "action": "read_identifiers",
        "person_id": person_id,
        "record_key": None,
        "fields": ("nik", "phone"),
        "operation_hash": "ab" * 32,
    }
    values.update(overrides)
    return AuditEvent(**values)


def test_events_are_appended_and_read_back_newest_first(
    clean_graph: Driver, neo4j_settings: Neo4jSettings
) -> None:
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    events = [event(n, "P-1" if n < 3 else "P-2", start + timedelta(minutes=n)) for n in range(4)]

    async def work(runner: CypherRunner) -> tuple[tuple[int, list[Any]], tuple[int, list[Any]]]:
        async def write(tx: AsyncManagedTransaction) -> None:
            await record_events(tx, events)

        await runner.write(write)
        return await audit_trail(runner.read, "P-1", 0, 2), await audit_trail(runner.read, "P-1", 2, 2)

    (total, first_page), (_, second_page) = with_runner(neo4j_settings, work)
    assert total == 3
    assert [e["eventId"] for e in first_page + second_page] == ["E-2", "E-1", "E-0"]
    newest = first_page[0]
    assert newest["at"] == start + timedelta(minutes=2)
    assert (newest["sub"], newest["purpose"], newest["fields"]) == (
        "rina",
        "CASE-2026-0001",
        ["nik", "phone"],
    )
    assert with_runner(neo4j_settings, lambda r: audit_trail(r.read, "P-404", 0, 10)) == (0, [])


def test_an_event_id_is_unique_so_a_replayed_batch_fails_whole(
    clean_graph: Driver, neo4j_settings: Neo4jSettings
) -> None:
    now = datetime.now(UTC)

    async def work(runner: CypherRunner) -> None:
        async def write(tx: AsyncManagedTransaction) -> None:
            await record_events(tx, [event(1, "P-1", now)])

        await runner.write(write)
        with pytest.raises(neo4j.exceptions.ConstraintError):

            async def replay(tx: AsyncManagedTransaction) -> None:
                await record_events(tx, [event(2, "P-1", now), event(1, "P-1", now)])

            await runner.write(replay)

    with_runner(neo4j_settings, work)
    [[count]] = clean_graph.execute_query("MATCH (a:AuditEvent) RETURN count(a)").records
    assert count == 1  # the batch with the duplicate left nothing behind


def test_the_audit_schema_is_idempotent(neo4j_driver: Driver) -> None:
    apply_schema(neo4j_driver)
    first = describe_schema(neo4j_driver)
    apply_schema(neo4j_driver)
    assert describe_schema(neo4j_driver) == first
    assert ("constraint", "audit_event_id") in first and ("index", "audit_event_person") in first


SLOW = "UNWIND range(1, 200000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"


def test_a_bounded_transaction_is_stopped_by_the_server(neo4j_driver: Driver) -> None:
    def work(tx: neo4j.ManagedTransaction) -> int:
        return int(tx.run(SLOW).single(strict=True)["n"])

    with neo4j_driver.session() as session, pytest.raises(neo4j.exceptions.Neo4jError) as caught:
        session.execute_read(bounded(work, timeout_s=0.2))
    assert timed_out(caught.value)
    with neo4j_driver.session() as session, pytest.raises(neo4j.exceptions.Neo4jError) as caught:
        session.run(bounded_query(SLOW, timeout_s=0.2)).consume()
    assert timed_out(caught.value)
    with neo4j_driver.session() as session:  # a quick statement under the same bound is unaffected
        assert session.execute_read(bounded(lambda tx: tx.run("RETURN 1 AS n").single()["n"], 5)) == 1


def test_the_timeout_setting_is_validated() -> None:
    assert cypher_timeout_s({}) == 15.0 and cypher_timeout_s({"LTSA_CYPHER_TIMEOUT": "2.5"}) == 2.5
    for bad in ("0", "-1", "soon"):
        with pytest.raises(ValueError, match="LTSA_CYPHER_TIMEOUT"):
            cypher_timeout_s({"LTSA_CYPHER_TIMEOUT": bad})
