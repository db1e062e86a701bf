"""The per-request Cypher runner: counts round trips and turns a lost database into a clear error.

Every statement a request sends goes through one ``CypherRunner`` (created in the request context),
so ``round_trips`` is exactly the number of Cypher statements the request cost. Tests assert that it
does not grow with the number of persons a query touches (no N+1).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncManagedTransaction, NotificationMinimumSeverity

from graph.queries.gateway_io import Row, native
from graph.timeouts import bounded

T = TypeVar("T")

# Errors meaning "the database is not there" (as opposed to a bad statement, which is a bug).
UNAVAILABLE_ERRORS = (
    neo4j.exceptions.ServiceUnavailable,
    neo4j.exceptions.SessionExpired,
    neo4j.exceptions.DriverError,
    OSError,
)


class DatabaseUnavailable(RuntimeError):
    """Neo4j cannot be reached; the request fails with this message, the next one tries again."""


class CypherRunner:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database
        self.round_trips = 0

    async def read(self, statement: str, params: Mapping[str, Any]) -> list[Row]:
        """Run one read statement (auto-retried on transient errors) and return plain rows."""
        self.round_trips += 1

        async def unit(tx: AsyncManagedTransaction) -> list[Row]:
            result = await tx.run(statement, dict(params))
            return [native(record.data()) async for record in result]

        try:
            async with self._session(neo4j.READ_ACCESS) as session:
                return await session.execute_read(bounded(unit))
        except UNAVAILABLE_ERRORS as exc:
            raise DatabaseUnavailable(f"the graph database is unavailable: {exc}") from exc

    def _session(self, access_mode: str) -> neo4j.AsyncSession:
        # Server notifications (e.g. "property does not exist yet" on an empty graph) are not errors
        # of the request; logging each one per request would drown the log.
        return self.driver.session(
            database=self.database,
            default_access_mode=access_mode,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )

    async def call(self, query: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run one of graph.queries' ``…_async`` functions (one statement, one transaction)."""
        self.round_trips += 1
        try:
            async with self._session(neo4j.READ_ACCESS) as session:
                return await query(session, *args, **kwargs)
        except UNAVAILABLE_ERRORS as exc:
            raise DatabaseUnavailable(f"the graph database is unavailable: {exc}") from exc

    async def write(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Run ``work`` in one write transaction (retried as a whole on transient errors)."""
        self.round_trips += 1
        try:
            async with self._session(neo4j.WRITE_ACCESS) as session:
                return await session.execute_write(bounded(work))
        except UNAVAILABLE_ERRORS as exc:
            raise DatabaseUnavailable(f"the graph database is unavailable: {exc}") from exc
