"""``ltsa serve --workers N``: connections dealt round robin to real worker processes (gateway.workers).

uvicorn's own workers share one listening socket and the awake one takes each connection: with
keep-alive clients one worker could hold them all. Here the parent deals them in turn, so six
connections land three and three — counted from the kernel's own tables (``/proc``) for each worker
process. The server answers on every connection, stops cleanly on SIGTERM, and stops as a whole (exit
status 1) when a worker dies, rather than serving on with half its capacity unnoticed.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.connection import Neo4jSettings
from graph.local_server import free_port
from tests.auth_tokens import AUTH_ENV, headers

pytestmark = pytest.mark.neo4j
PROJECT_ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0  # a bound on waiting for processes, never a speed check


def _workers(pid: int) -> list[int]:
    """The worker processes of server ``pid`` (multiprocessing also starts a resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return [child for child in found if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def _established_on(port: int) -> set[str]:
    """Socket inodes of established TCP connections whose local port is ``port``."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
                inodes.add(fields[9])
    return inodes


def _connections_held(pid: int, inodes: set[str]) -> int:
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            held += 1
    return held


@contextmanager
def serving(neo4j_settings: Neo4jSettings, workers: int) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    command = [sys.executable, "-m", "ltsa.cli", "serve", "--port", str(port), "--workers", str(workers)]
    env = {**os.environ, **AUTH_ENV, "NEO4J_URI": neo4j_settings.uri}
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    probe.close()
                    break
            except OSError:
                pass
            assert server.poll() is None, "ltsa serve exited before it answered"
            assert time.monotonic() < deadline, "ltsa serve did not answer /healthz"
            time.sleep(0.2)
        yield server, port
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(WAIT_S)


def _ask(connection: http.client.HTTPConnection) -> object:
    body = json.dumps({"query": "{ __typename }"})
    connection.request("POST", "/graphql", body, {"content-type": "application/json", **headers("app")})
    response = connection.getresponse()
    assert response.status == 200
    return json.loads(response.read())["data"]


def test_connections_are_dealt_in_turn_and_each_is_answered(neo4j_settings: Neo4jSettings) -> None:
    with serving(neo4j_settings, workers=2) as (server, port):
        workers = _workers(server.pid)
        assert len(workers) == 2
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(6)]
        try:
            answers = [_ask(connection) for connection in connections]
            assert answers == [{"__typename": "Query"}] * 6
            inodes = _established_on(port)
            assert sorted(_connections_held(pid, inodes) for pid in workers) == [3, 3]
            assert _ask(connections[0]) == answers[0]  # still open: keep-alive, same worker
        finally:
            for connection in connections:
                connection.close()
        server.send_signal(signal.SIGTERM)
        assert server.wait(WAIT_S) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_a_dead_worker_stops_the_server(neo4j_settings: Neo4jSettings) -> None:
    with serving(neo4j_settings, workers=2) as (server, _):
        first, second = _workers(server.pid)
        os.kill(first, signal.SIGKILL)
        assert server.wait(WAIT_S) == 1
        assert not Path(f"/proc/{second}").exists()
