"""`ltsa demo` on the embedded default: serves /healthz with Neo4j connected; SIGINT stops everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graph.local_server import free_port
from tests.processes import java_pids

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_demo_serves_health_and_stops_on_sigint(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "demo-neo4j"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ltsa.cli", "demo", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        body = None
        while body is None:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
            except httpx.TransportError:
                assert time.monotonic() < deadline, "demo did not come up"
                time.sleep(0.5)
        assert body["neo4j"]["connected"] is True
        assert java_pids(str(data_dir)), "the demo's own Neo4j should be running"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(90)
    assert proc.returncode == 0
    assert java_pids(str(data_dir)) == []
