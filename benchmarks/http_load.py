"""A lean HTTP/1.1 keep-alive client for the load benchmarks: one connection per simulated client.

Why not httpx: on this 2-core box the generator shares the CPU with the servers and Neo4j. Driving 50
clients through httpx cost the generator ~9 ms of CPU per request (a full core at ~100 requests/s), so
the benchmark measured the client's queue, not the servers. Here a request is one pre-encoded write and
a response one read of its head plus ``Content-Length`` (or chunked) body bytes: tens of
microseconds. Only what the benchmarked servers speak is handled (HTTP/1.1, keep-alive, no TLS, no
redirects); anything else is an error, not a guess.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class HttpError(RuntimeError):
    """The server answered something this client does not speak, or closed the connection."""


class ConnectionClosed(HttpError):
    """The server closed the connection before the whole answer came (``before_answer``: before any of
    it)."""

    def __init__(self, host: str, port: int, before_answer: bool) -> None:
        super().__init__(f"{host}:{port} closed the connection mid-response")
        self.before_answer = before_answer


@dataclass
class Response:
    status: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Connection:
    """One keep-alive connection to ``url``'s host; ``post`` sends one JSON request and awaits its answer."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise HttpError(f"{url}: only plain http:// URLs are supported")
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = parts.path or "/"
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def post(
        self, body: dict[str, Any], headers: dict[str, str] | None = None, path: str | None = None
    ) -> Response:
        """``path`` (default: the URL's) lets one connection carry requests to several paths of its host,
        as an HTTP client's pool keeps one connection per origin."""
        payload = json.dumps(body, separators=(",", ":")).encode()
        head = [
            f"POST {path or self.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Content-Type: application/json",
            "Accept: application/json",
            f"Content-Length: {len(payload)}",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload
        reused = self._writer is not None
        try:
            return await self._exchange(request)
        except ConnectionClosed as closed:
            if not (reused and closed.before_answer):
                raise
        # The server had closed the idle keep-alive connection (uvicorn does after 5 s) before reading
        # this request; no byte of an answer came, so it is sent again on a fresh connection (as HTTP
        # clients do, RFC 9112 §9.3.1), once.
        return await self._exchange(request)

    async def _exchange(self, request: bytes) -> Response:
        reader, writer = await self._open()
        writer.write(request)
        try:
            return await self._response(reader)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            await self.close()
            before_answer = isinstance(error, asyncio.IncompleteReadError) and not error.partial
            raise ConnectionClosed(self.host, self.port, before_answer) from error

    async def _response(self, reader: asyncio.StreamReader) -> Response:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1."):
            raise HttpError(f"not an HTTP/1.x response: {status_line!r}")
        status = int(rest.split(" ", 1)[0])
        fields = {}
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            body = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            body = await _chunked(reader)
        else:
            raise HttpError("a response without Content-Length or chunked encoding cannot be kept alive")
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, body)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, then the blank line
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)  # the chunk's CRLF
