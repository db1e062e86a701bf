"""The per-request Cypher runner: counts round trips and turns a lost database into a clear error.

Every statement a request sends goes through one ``CypherRunner`` (created in the request context),
so ``round_trips`` is exactly the number of Cypher statements the request cost. Tests assert that it
does not grow with the number of persons a query touches (no N+1). Each statement is timed by the
runner's ``CypherObserver`` (metrics and trace spans, ``gateway.observability.cypher``).

Reads run as auto-commit transactions: one RUN+PULL exchange with Neo4j instead of BEGIN, RUN+PULL and
COMMIT — a person read took ~10 ms as a managed transaction and ~3 ms auto-committed on the 2-core box.
They go through the app's lean Bolt reader (``gateway.bolt``) when it has one, 0.2–0.3× the driver's
CPU per statement, else through driver sessions.
The driver retries only managed transactions, so the runner retries reads itself (a read is safe to
repeat) on the errors the driver calls retryable, within the same window the driver gets
(``NEO4J_CONNECT_TIMEOUT``); after that a lost database is ``DatabaseUnavailable``. Writes (the audit
trail, steward decisions) stay managed transactions, committed before the response.

Every statement must be answered within ``answer_within_s`` (the server's own statement limit,
``LTSA_CYPHER_TIMEOUT``, plus a grace period), or it fails as ``DatabaseUnavailable``: a Neo4j that
stopped answering without closing the connection (a frozen process, a lost host) must not hold a
request forever. One timer per statement does this; Neo4j's ``connection.recv_timeout_seconds`` hint
would make the driver arm one per socket read, at a seventh of a statement's CPU, so our servers do
not send it (``server.bolt.connection_keep_alive_for_requests=OFF``, ``deploy/``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncManagedTransaction, NotificationMinimumSeverity

from graph.queries.gateway_io import Row, row_of
from graph.timeouts import bounded, bounded_query, cypher_timeout_s

from .bolt import BoltReader
from .observability.cypher import UNAVAILABLE, UNOBSERVED, CypherObserver

T = TypeVar("T")
DEFAULT_READ_RETRY_S: Final = 10.0  # as graph.connection's default connect timeout
FIRST_RETRY_DELAY_S: Final = 0.1
ANSWER_GRACE_S: Final = 5.0  # beyond the server's statement limit, before an answer counts as lost

# Errors meaning "the database is not there" (as opposed to a bad statement, which is a bug).
UNAVAILABLE_ERRORS = (
    neo4j.exceptions.ServiceUnavailable,
    neo4j.exceptions.SessionExpired,
    neo4j.exceptions.DriverError,
    OSError,  # TimeoutError too: a statement's deadline
)


class DatabaseUnavailable(RuntimeError):
    """Neo4j cannot be reached; the request fails with this message, the next one tries again."""


class CypherRunner:
    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        observer: CypherObserver = UNOBSERVED,
        *,
        read_retry_s: float = DEFAULT_READ_RETRY_S,
        answer_within_s: float | None = None,
        reader: BoltReader | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.observer = observer
        self.read_retry_s = read_retry_s
        self.statement_timeout_s = cypher_timeout_s()
        self.answer_within_s = answer_within_s or self.statement_timeout_s + ANSWER_GRACE_S
        self.reader = reader  # reads go through it when set (gateway.bolt), else the driver's sessions
        self.round_trips = 0

    async def read(self, statement: str, params: Mapping[str, Any]) -> list[Row]:
        """Run one read statement (retried on transient errors) and return plain rows."""
        self.round_trips += 1
        async with self.observer.statement("read", "read", statement) as observed:
            try:
                if self.reader is not None:
                    return await self._auto_commit(statement, params, plain=True)  # type: ignore[return-value]
                return [row_of(record) for record in await self._auto_commit(statement, params)]
            except UNAVAILABLE_ERRORS as exc:
                observed.outcome = UNAVAILABLE
                raise self._lost(exc) from exc

    def shared(self) -> CypherRunner:
        """A runner for a statement sent on behalf of several requests (``gateway.coalesce``): the
        same database, retry window and observer, its own round-trip count (each request counts the
        statement it needed itself)."""
        return CypherRunner(
            self.driver,
            self.database,
            self.observer,
            read_retry_s=self.read_retry_s,
            answer_within_s=self.answer_within_s,
            reader=self.reader,
        )

    async def _auto_commit(
        self, statement: str, params: Mapping[str, Any], plain: bool = False
    ) -> list[neo4j.Record]:
        """One read statement as an auto-commit transaction, repeated while the error is retryable.
        ``plain`` (the reader only): plain rows (``gateway_io.row_of``'s) instead of records."""
        deadline = time.monotonic() + self.read_retry_s
        delay = FIRST_RETRY_DELAY_S
        while True:
            try:
                async with asyncio.timeout(self.answer_within_s):
                    if self.reader is not None:
                        answer = self.reader.rows if plain else self.reader.read
                        return await answer(  # type: ignore[return-value]
                            statement, params, database=self.database, timeout_s=self.statement_timeout_s
                        )
                    async with self._session(neo4j.READ_ACCESS) as session:
                        query = bounded_query(statement, self.statement_timeout_s)
                        result = await session.run(query, dict(params))
                        return [record async for record in result]
            except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
                if not exc.is_retryable() or time.monotonic() + delay > deadline:
                    raise
            await asyncio.sleep(delay)
            delay *= 2

    def _lost(self, exc: BaseException) -> DatabaseUnavailable:
        if isinstance(exc, TimeoutError):  # the statement's own deadline (asyncio.timeout) passed
            return DatabaseUnavailable(f"the graph database did not answer within {self.answer_within_s:g} s")
        return DatabaseUnavailable(f"the graph database is unavailable: {exc}")

    def _session(self, access_mode: str) -> neo4j.AsyncSession:
        # Server notifications (e.g. "property does not exist yet" on an empty graph) are not errors
        # of the request; logging each one per request would drown the log.
        return self.driver.session(
            database=self.database,
            default_access_mode=access_mode,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )

    async def call(self, query: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        """Run one of graph.queries' ``…_async`` read functions (one statement, auto-committed)."""
        self.round_trips += 1
        async with self.observer.statement("read", getattr(query, "__name__", "call")) as observed:
            try:
                return await query(self._auto_commit, *args, **kwargs)
            except UNAVAILABLE_ERRORS as exc:
                observed.outcome = UNAVAILABLE
                raise self._lost(exc) from exc

    async def write(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Run ``work`` in one write transaction (retried as a whole on transient errors)."""
        self.round_trips += 1
        async with self.observer.statement("write", getattr(work, "__qualname__", "write")) as observed:
            try:
                async with asyncio.timeout(self.answer_within_s):
                    async with self._session(neo4j.WRITE_ACCESS) as session:
                        return await session.execute_write(bounded(work))
            except UNAVAILABLE_ERRORS as exc:
                observed.outcome = UNAVAILABLE
                raise self._lost(exc) from exc
