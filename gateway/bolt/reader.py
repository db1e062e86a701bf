"""The gateway's read client: auto-commit Cypher reads over a small pool of Bolt connections.

Why not the driver for reads: measured on the 2-core box (``benchmarks/bolt_reads.py``), one
auto-commit read through ``AsyncSession.run`` cost ~300 µs of the gateway's CPU for a one-row answer
and ~1.4 ms for fifty rows (here: ~90 and ~320 µs). The driver spends it on a session object, a
workspace, a pool acquisition under locks, a result object and several wake-ups of the event loop
per statement. Every request is at least one read, so that was about a third of a request's CPU.
Here a read is one write to the socket and one wake-up when its summary arrives.

What it keeps from the driver: the codec and hydration (``gateway.bolt.wire``), ``neo4j.Record`` rows
and the driver's error classes (a failure's code becomes the same ``Neo4jError`` subclass, so
``is_retryable`` and ``graph.timeouts.timed_out`` mean what they meant). What it leaves to the driver:
writes (managed transactions with retries), readiness checks, and every URI that is not plain
``bolt://`` (routing, TLS) — ``gateway.app`` uses the driver for reads then.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import neo4j
from neo4j.exceptions import ServiceUnavailable

from graph.queries.gateway_io import Row

from .connection import BoltConnection, Credentials, open_connection

DEFAULT_PORT: Final = 7687
DEFAULT_POOL_SIZE: Final = 100  # the driver's own default


def lean_address(uri: str) -> tuple[str, int] | None:
    """(host, port) of a plain ``bolt://`` URI; None for any other scheme (the driver serves those)."""
    parts = urlsplit(uri)
    if parts.scheme != "bolt" or not parts.hostname:
        return None
    return parts.hostname, parts.port or DEFAULT_PORT


def _extra(database: str, timeout_s: float) -> dict[str, Any]:
    return {
        "db": database,
        "mode": "r",
        "tx_timeout": max(1, math.ceil(timeout_s * 1000)),
        # Notifications ("unknown property" on a young graph) are not the request's business.
        "notifications_minimum_severity": "OFF",
    }


class BoltReader:
    """Connections opened on demand, up to ``max_size``; a statement waits for one beyond that."""

    def __init__(
        self,
        host: str,
        port: int,
        credentials: Credentials,
        *,
        connect_timeout_s: float,
        max_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        if max_size < 1:
            raise ValueError(f"a Bolt pool needs at least one connection, got max_size={max_size}")
        self.host, self.port = host, port
        self.credentials = credentials
        self.connect_timeout_s = connect_timeout_s
        self.max_size = max_size
        self.opened = 0  # connections ever opened: a test's way to see reuse
        self._idle: list[BoltConnection] = []  # last released first: the warmest socket
        self._in_use = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._closed = False

    @property
    def size(self) -> int:
        return len(self._idle) + self._in_use

    async def read(
        self, query: str, params: Mapping[str, Any], *, database: str, timeout_s: float
    ) -> list[neo4j.Record]:
        """All records of one auto-commit read on ``database``, as the driver's session would give
        them; Neo4j stops the statement after ``timeout_s`` (``…TransactionTimedOut…``)."""
        connection = await self._acquire()
        try:
            return await connection.records(query, params, _extra(database, timeout_s))
        finally:
            self._release(connection)

    async def rows(
        self, query: str, params: Mapping[str, Any], *, database: str, timeout_s: float
    ) -> list[Row]:
        """``read``'s records as plain rows (``gateway_io.row_of`` of each), without building the records."""
        connection = await self._acquire()
        try:
            return await connection.rows(query, params, _extra(database, timeout_s))
        finally:
            self._release(connection)

    async def _acquire(self) -> BoltConnection:
        while True:
            if self._closed:
                raise ServiceUnavailable("the gateway's Bolt reader is closed")
            while self._idle:
                connection = self._idle.pop()
                if connection.reusable:
                    self._in_use += 1
                    return connection
            if self.size < self.max_size:
                self._in_use += 1  # counted before the await: concurrent callers see the slot taken
                try:
                    connection = await open_connection(
                        self.host, self.port, self.credentials, self.connect_timeout_s
                    )
                except BaseException:
                    self._in_use -= 1
                    self._wake_one()
                    raise
                self.opened += 1
                return connection
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            try:
                async with asyncio.timeout(self.connect_timeout_s):
                    await waiter
            except BaseException as exc:
                if waiter.done() and not waiter.cancelled():
                    self._wake_one()  # woken, then cancelled before it ran: the free slot goes on
                if isinstance(exc, TimeoutError):
                    waited = f"{self.connect_timeout_s:g} s ({self.max_size} in use)"
                    raise ServiceUnavailable(f"no Bolt connection free within {waited}") from exc
                raise
            finally:
                if not waiter.done():
                    waiter.cancel()
                if waiter in self._waiting:
                    self._waiting.remove(waiter)

    def _release(self, connection: BoltConnection) -> None:
        self._in_use -= 1
        if connection.reusable and not self._closed:
            self._idle.append(connection)
        else:
            connection.close()
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close(self) -> None:
        """Closes the idle connections now, and each busy one when its statement ends."""
        self._closed = True
        while self._idle:
            self._idle.pop().close(goodbye=True)
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_result(None)  # wakes to find the reader closed
        await asyncio.sleep(0)  # lets the transports' close callbacks run
