"""The gateway over real HTTP (uvicorn in a subprocess) against the real Neo4j."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graph.connection import Neo4jSettings
from graph.local_server import free_port
from tests.auth_tokens import AUTH_ENV, headers

pytestmark = pytest.mark.neo4j
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def running_gateway(neo4j_uri: str, *options: str) -> Iterator[tuple[str, int]]:
    """``ltsa serve`` with ``options`` on a free port; yields the base URL and the process id."""
    port = free_port()
    env = {**os.environ, "NEO4J_URI": neo4j_uri, "NEO4J_CONNECT_TIMEOUT": "3", **AUTH_ENV}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ltsa.cli", "serve", "--port", str(port), *options],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                raise AssertionError(f"gateway exited early:\n{out}")
            try:
                httpx.get(f"{base}/healthz", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


def test_healthz_reports_neo4j_connected(neo4j_settings: Neo4jSettings) -> None:
    with running_gateway(neo4j_settings.uri) as (base, _):
        body = httpx.get(f"{base}/healthz", timeout=10).json()
        assert body["status"] == "ok"
        assert body["neo4j"]["connected"] is True
        ready = httpx.get(f"{base}/readyz", timeout=10)
        assert ready.status_code == 200


def test_readyz_is_503_when_neo4j_is_down() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    dead_uri = f"bolt://127.0.0.1:{dead_port}"
    # `serve` refuses to start without a database (it applies the schema first), so run the app
    # directly under uvicorn to observe the probes of a gateway whose database went away.
    port = free_port()
    env = {**os.environ, "NEO4J_URI": dead_uri, "NEO4J_CONNECT_TIMEOUT": "2", **AUTH_ENV}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "gateway.app:create_app", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"{base}/readyz", timeout=10)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert response.status_code == 503
        assert response.json()["neo4j"]["connected"] is False
        health = httpx.get(f"{base}/healthz", timeout=10).json()
        assert health["neo4j"]["connected"] is False
        assert health["neo4j"]["uri"] == dead_uri
    finally:
        proc.terminate()
        proc.wait(30)


def _worker_processes(pid: int) -> list[int]:
    """The multiprocessing workers among a process's children (not its resource tracker)."""
    children = [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]
    return [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
def test_serve_with_two_workers_runs_two_processes_that_answer(neo4j_settings: Neo4jSettings) -> None:
    with running_gateway(neo4j_settings.uri, "--workers", "2") as (base, pid):
        assert len(_worker_processes(pid)) == 2
        for _ in range(4):  # whichever worker takes the connection answers alike
            with httpx.Client(base_url=base, timeout=30) as http:
                body = http.post(
                    "/graphql", json={"query": '{ person(id: "P-NOPE") { id } }'}, headers=headers("app")
                ).json()
            assert body["data"] == {"person": None}
