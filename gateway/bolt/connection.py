"""One Bolt connection that runs auto-commit reads, one at a time: RUN and PULL sent together, the
records and the summary read back as the socket delivers them.

An ``asyncio.Protocol``, not a stream: each batch of bytes the loop reads is parsed at once in the
loop's own callback and the waiting statement is woken once, when its summary arrives. A connection
that failed a statement, lost its socket or was abandoned mid-statement (a request's deadline) is
not reused: its state on the server is unknown, and opening a new one costs less than reasoning
about it.
"""

from __future__ import annotations

import asyncio
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, cast

import neo4j
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from graph.queries.gateway_io import Row, plain_row

from . import wire

_PULL_ALL: Final = wire.message(wire.PULL, {"n": -1})
_GOODBYE: Final = wire.message(wire.GOODBYE)


@dataclass(frozen=True)
class Credentials:
    """Who the gateway logs in as: none (a server without authentication) or user and password."""

    user: str = ""
    password: str = ""

    def token(self) -> dict[str, str]:
        if not self.password:
            return {"scheme": "none"}
        return {"scheme": "basic", "principal": self.user, "credentials": self.password}


@dataclass
class _Exchange:
    """The statement in flight: its keys (RUN's answer), its records, then its end."""

    done: asyncio.Future[None]
    hooks: dict[type, Any] | None
    plain: bool  # rows as plain dicts (``gateway_io.plain_row``), else ``neo4j.Record``s
    keys: tuple[str, ...] = ()
    records: list[Any] = field(default_factory=list)
    summaries: int = 0  # answers seen: RUN's, then PULL's
    error: BaseException | None = None


class BoltConnection(asyncio.Protocol):
    def __init__(self, address: str) -> None:
        self.address = address
        self.reusable = False  # true only between statements that all ended well
        self._transport: asyncio.Transport | None = None
        self._messages = wire.Messages()
        self._handshake: asyncio.Future[bytes] | None = None
        self._version = bytearray()
        self._exchange: _Exchange | None = None

    # -- asyncio.Protocol --------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not registered as ``asyncio.Transport``: no isinstance check here.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._handshake is not None:  # the version answer: 4 raw bytes, before any message
            self._version += data
            if len(self._version) < 4:
                return
            data, answer = bytes(self._version[4:]), bytes(self._version[:4])
            self._handshake.set_result(answer)
            self._handshake = None
        exchange = self._exchange
        try:
            for tag, fields in self._messages.feed(data, exchange.hooks if exchange else None):
                self._on_message(tag, fields)
        except Exception as exc:  # a message we cannot read: nothing after it can be trusted
            self._broken(ServiceUnavailable(f"unreadable answer from Neo4j at {self.address}: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        reason = f": {exc}" if exc else ""
        self._broken(ServiceUnavailable(f"connection to Neo4j at {self.address} lost{reason}"))

    # -- messages ----------------------------------------------------------------------------------

    def _on_message(self, tag: bytes, fields: list[Any]) -> None:
        exchange = self._exchange
        if exchange is None:
            raise ValueError(f"unexpected message {tag!r} with no statement in flight")
        if tag == wire.RECORD:
            if exchange.error is not None:
                return  # the statement failed already; its remaining records are read and dropped
            try:
                if exchange.plain:
                    exchange.records.append(plain_row(exchange.keys, fields[0]))
                else:
                    exchange.records.append(neo4j.Record._new(exchange.keys, fields[0]))
            except Exception as exc:  # a value rows cannot carry (a relationship, a year 10000): an
                exchange.error = exc  # error of this statement, raised as the driver's path raises it
            return
        exchange.summaries += 1
        if tag == wire.SUCCESS:
            if exchange.summaries == 1:
                exchange.keys = tuple(fields[0].get("fields", ()))
        elif tag == wire.FAILURE:
            metadata = fields[0] if fields else {}
            exchange.error = Neo4jError._hydrate_neo4j(**metadata)
        elif tag != wire.IGNORED:
            exchange.error = ServiceUnavailable(f"unexpected Bolt message {tag!r} from {self.address}")
        if exchange.summaries == 2 and not exchange.done.done():
            exchange.done.set_result(None)

    def _broken(self, error: BaseException) -> None:
        self.reusable = False
        if self._handshake is not None and not self._handshake.done():
            self._handshake.set_exception(error)
        exchange = self._exchange
        if exchange is not None and not exchange.done.done():
            exchange.error = error
            exchange.done.set_result(None)

    # -- use ---------------------------------------------------------------------------------------

    async def records(
        self, query: str, params: Mapping[str, Any], extra: Mapping[str, Any]
    ) -> list[neo4j.Record]:
        """One auto-commit statement and all its records, as the driver would hand them over."""
        request = wire.message(wire.RUN, query, dict(params), dict(extra)) + _PULL_ALL
        return (await self._exchange_of(request, wire.new_hydration_hooks(), plain=False)).records

    async def rows(self, query: str, params: Mapping[str, Any], extra: Mapping[str, Any]) -> list[Row]:
        """One auto-commit statement and all its rows as plain Python (``gateway_io.plain_row``)."""
        request = wire.message(wire.RUN, query, dict(params), dict(extra)) + _PULL_ALL
        return (await self._exchange_of(request, wire.new_hydration_hooks(plain=True), plain=True)).records

    async def _exchange_of(
        self, request: bytes, hooks: dict[type, Any] | None, *, plain: bool = False
    ) -> _Exchange:
        """Sends ``request`` (two messages) and waits for its two summaries. The connection stays
        reusable only if both ended well; cancelled (a deadline) or failed, it is closed."""
        if self._transport is None or self._transport.is_closing():
            raise ServiceUnavailable(f"connection to Neo4j at {self.address} is closed")
        if self._exchange is not None:
            raise RuntimeError("a Bolt connection runs one statement at a time")
        exchange = _Exchange(asyncio.get_running_loop().create_future(), hooks, plain)
        self._exchange, self.reusable = exchange, False
        try:
            self._transport.write(request)
            await exchange.done
        except BaseException:
            self.close()  # cancelled or failed mid-statement: the server may still be answering
            raise
        finally:
            self._exchange = None
        if exchange.error is not None:
            self.close()
            raise exchange.error
        self.reusable = True
        return exchange

    def close(self, goodbye: bool = False) -> None:
        """Closes the socket; ``goodbye`` first tells an idle connection's server it is going."""
        self.reusable = False
        if self._transport is not None and not self._transport.is_closing():
            if goodbye and self._exchange is None:
                self._transport.write(_GOODBYE)
            self._transport.close()


def _agent() -> dict[str, str]:
    return {
        "product": f"satu-atap-gateway/{neo4j.__version__}",
        "platform": f"{platform.system()} {platform.release()}; {platform.machine()}",
        "language": f"Python/{platform.python_version()}",
    }


async def open_connection(host: str, port: int, credentials: Credentials, timeout_s: float) -> BoltConnection:
    """A connection that shook hands and logged in, or ``ServiceUnavailable`` (unreachable, refused,
    no common Bolt version, too slow) or the server's own error (wrong password: ``AuthError``)."""
    loop = asyncio.get_running_loop()
    address = f"{host}:{port}"
    connection: BoltConnection | None = None
    try:
        async with asyncio.timeout(timeout_s):
            transport, connection = await loop.create_connection(lambda: BoltConnection(address), host, port)
            answer: asyncio.Future[bytes] = loop.create_future()
            connection._handshake = answer
            transport.write(wire.HANDSHAKE)
            if wire.negotiated(await answer) is None:
                raise ServiceUnavailable(f"Neo4j at {address} speaks none of Bolt 5.2-5.4")
            hello = {"user_agent": "satu-atap-gateway", "bolt_agent": _agent()}
            # HELLO and LOGON pipelined: one round trip; a refused login fails the second.
            await connection._exchange_of(
                wire.message(wire.HELLO, hello) + wire.message(wire.LOGON, credentials.token()), None
            )
    except TimeoutError as exc:
        if connection is not None:
            connection.close()
        raise ServiceUnavailable(f"Neo4j at {address} did not answer within {timeout_s:g} s") from exc
    except OSError as exc:
        raise ServiceUnavailable(f"cannot connect to Neo4j at {address}: {exc}") from exc
    except BaseException:
        if connection is not None:
            connection.close()
        raise
    return connection
