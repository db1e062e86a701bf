"""uvicorn's httptools protocol, sending a response's head and body in one write.

uvicorn writes the status line and headers as soon as the app starts its response, then the body in a
second write: two sends, two TCP segments, and a reader woken twice for one small JSON answer. On the
2-core box that first send was 14% of a gateway process's CPU on the benchmark mix (py-spy,
``docs/benchmarks.md``), and the client paid again to read a response in two parts. Node's HTTP server,
the peer the gateway is measured against, sends a small response as one segment.

Here the transport under uvicorn holds a write while nothing else is held and sends it together with
the next one, so head and body leave in one send. A write left alone (a head whose body is slow to come,
a streaming response's last chunk) goes out when the event loop next turns: nothing waits on a client's
next request, and closing the connection sends what is held first.

Served by ``ltsa serve`` (``ltsa/cli.py``, ``ltsa/demo.py``); with uvicorn's own command line:
``uvicorn --http gateway.http_protocol:WholeResponses …``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeldWrites:
    """A transport that holds one write until the next write, the loop's next turn, or a close."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is None:
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._held = None
            self._transport.write(held + data)

    def flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        # Everything else (extra info, pausing reads, is_closing, set_protocol) is the transport's own.
        return getattr(self._transport, name)


class WholeResponses(HttpToolsProtocol):
    """``HttpToolsProtocol`` over ``HeldWrites``: a small response is one send."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(HeldWrites(transport, self.loop))  # type: ignore[arg-type]
