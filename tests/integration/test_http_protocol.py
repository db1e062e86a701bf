"""``WholeResponses`` (gateway.http_protocol) over a real uvicorn server and real TCP sockets.

The class exists to send a response's head and body in one TCP segment, and it does that by holding
writes back, which can lose, reorder or strand bytes. So: every response shape uvicorn produces
(content-length, chunked streaming, 204, HEAD, ``Connection: close``, a large body, a body that comes
only once the client has the head) arrives complete and in order, and the kernel's own count (TCP_INFO)
shows one data segment per small response where uvicorn's plain protocol sends two.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import socket
import struct
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.http_protocol import HeldWrites, WholeResponses

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Patterned rather than zeros, so bytes lost, repeated or out of order change the body.
BIG = bytes(range(256)) * (2 * 1024 * 1024 // 256)
CHUNKS = [b"first,", b"second,", b"third,", b"last"]
# tcpi_data_segs_out in struct tcp_info (linux/tcp.h): 8 u8, 23 u32 (to total_retrans@100), 4 u64
# (@104-135), then segs_out@136, segs_in@140, notsent_bytes@144, min_rtt@148, data_segs_in@152.
DATA_SEGS_OUT = 156
TIMEOUT = 30.0  # only so that a lost byte fails the test instead of hanging it; never a speed check
HEAD_SEEN = threading.Event()  # set by the client once it has read the head of /late


async def app(scope: Message, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http"
    path = scope["path"]

    async def start(status: int, headers: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})

    if path == "/stream":  # no content-length: uvicorn sends chunked, each chunk a separate write
        await start(200, [(b"content-type", b"text/plain")])
        for chunk in CHUNKS[:-1]:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await asyncio.sleep(0.01)  # lets each held chunk go out alone on the loop's next turn
        await send({"type": "http.response.body", "body": CHUNKS[-1]})
    elif path == "/empty":
        await start(204, [])
        await send({"type": "http.response.body", "body": b""})
    elif path in ("/big", "/late"):
        body = BIG if path == "/big" else b'{"late":true}'
        await start(200, [(b"content-length", b"%d" % len(body))])
        # /late's body waits until the client has the head, so the head is held alone and only the
        # call_soon flush can send it. (After a fixed sleep the body's write would carry it along.)
        if path == "/late" and not await asyncio.to_thread(HEAD_SEEN.wait, 2 * TIMEOUT):
            return
        await send({"type": "http.response.body", "body": body})
    else:
        body = json.dumps({"path": path, "query": scope["query_string"].decode()}).encode()
        await start(200, [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))])
        await send({"type": "http.response.body", "body": body})


@contextmanager
def serving(protocol: type[HttpToolsProtocol]) -> Iterator[uvicorn.Server]:
    """uvicorn with ``protocol`` on a free port, run in a thread with its own event loop."""
    # uvicorn sets its loggers' levels globally; put them back so later tests see the logging they set up.
    loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")]
    saved = [(lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    # Bound here and handed over: the port is ours before the server starts, no race for a free port.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=protocol, log_level="warning", log_config=None, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT
    try:
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        yield server
    finally:
        server.should_exit = True
        thread.join(TIMEOUT)
        listener.close()
        for lg, level, handlers, propagate, disabled in saved:
            lg.setLevel(level)
            lg.handlers[:], lg.propagate, lg.disabled = handlers, propagate, disabled
    assert not thread.is_alive(), "uvicorn did not stop"


@pytest.fixture(scope="module")
def server() -> Iterator[uvicorn.Server]:
    with serving(WholeResponses) as running:
        yield running


def connect(server: uvicorn.Server) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.config.port, timeout=TIMEOUT)


def exchange(
    conn: http.client.HTTPConnection, path: str, method: str = "GET"
) -> tuple[http.client.HTTPResponse, bytes]:
    conn.request(method, path)
    response = conn.getresponse()
    return response, response.read()


def fetch(server: uvicorn.Server, path: str, method: str = "GET") -> tuple[http.client.HTTPResponse, bytes]:
    conn = connect(server)
    try:
        return exchange(conn, path, method)
    finally:
        conn.close()


def test_json_response_with_content_length(server: uvicorn.Server) -> None:
    response, body = fetch(server, "/json?x=1")
    assert response.status == 200
    assert response.getheader("content-length") == str(len(body))
    assert json.loads(body) == {"path": "/json", "query": "x=1"}


def test_keep_alive_requests_share_one_connection(server: uvicorn.Server) -> None:
    conn = connect(server)
    try:
        conn.connect()
        first = conn.sock
        for i in range(5):
            response, body = exchange(conn, f"/json?i={i}")
            assert (json.loads(body), response.will_close) == ({"path": "/json", "query": f"i={i}"}, False)
            # http.client reconnects silently; the same socket object proves the server kept it open.
            assert conn.sock is first
    finally:
        conn.close()


def test_streamed_chunks_arrive_complete_and_in_order(server: uvicorn.Server) -> None:
    response, body = fetch(server, "/stream")
    assert response.getheader("transfer-encoding") == "chunked"
    assert body == b"".join(CHUNKS)


# For the 204 uvicorn writes an empty body after the head; for HEAD it writes nothing, so the head is a
# lone held write that only the call_soon flush sends.
@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/empty", 204), ("HEAD", "/json", 200)])
def test_responses_without_a_body(server: uvicorn.Server, method: str, path: str, status: int) -> None:
    response, body = fetch(server, path, method)
    assert (response.status, body) == (status, b"")


STREAMED = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in CHUNKS) + b"0\r\n\r\n"


# /stream's last chunk is still held when uvicorn closes the connection: close() must send it first.
@pytest.mark.parametrize(
    ("path", "expected"),
    [("/json", b'{"path": "/json", "query": ""}'), ("/stream", STREAMED)],
    ids=["json", "stream"],
)
def test_connection_close_sends_the_whole_response_then_closes(
    server: uvicorn.Server, path: str, expected: bytes
) -> None:
    with socket.create_connection(("127.0.0.1", server.config.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" % path.encode())
        received = b""
        while data := sock.recv(65536):  # b"" only once the server closed its side
            received += data
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"\r\nconnection: close" in head.lower()
    assert body == expected


def test_large_body_arrives_intact(server: uvicorn.Server) -> None:
    response, body = fetch(server, "/big")
    assert response.getheader("content-length") == str(len(BIG))
    assert body == BIG


def test_head_goes_out_alone_when_the_body_is_late(server: uvicorn.Server) -> None:
    HEAD_SEEN.clear()
    conn = connect(server)
    try:
        conn.request("GET", "/late")
        response = conn.getresponse()  # returns once the head is read; times out if it stays held
        HEAD_SEEN.set()
        assert (response.status, json.loads(response.read())) == (200, {"late": True})
    finally:
        HEAD_SEEN.set()  # on failure too: the app stops waiting and the server can stop
        conn.close()


def data_segments_out(sock: Any) -> int:
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    if len(info) < DATA_SEGS_OUT + 4:
        pytest.skip(f"struct tcp_info of {len(info)} bytes has no tcpi_data_segs_out (kernel < 4.6)")
    count: int = struct.unpack_from("=I", info, DATA_SEGS_OUT)[0]
    return count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="TCP_INFO is Linux's")
@pytest.mark.parametrize(("protocol", "segments"), [(WholeResponses, 1), (HttpToolsProtocol, 2)])
def test_small_response_is_one_data_segment(protocol: type[HttpToolsProtocol], segments: int) -> None:
    requests = 5
    with serving(protocol) as running:
        conn = connect(running)
        try:
            exchange(conn, "/json")  # the connection is made and accepted before counting
            [server_side] = running.server_state.connections
            if protocol is WholeResponses:
                assert isinstance(server_side.transport, HeldWrites)
            sock = server_side.transport.get_extra_info("socket")
            before = data_segments_out(sock)
            for _ in range(requests):
                exchange(conn, "/json")
            # The client has read every byte, so every segment carrying them has been sent and counted.
            sent = data_segments_out(sock) - before
        finally:
            conn.close()
    # The plain protocol's two proves the count sees a head and body sent apart.
    assert sent == requests * segments
