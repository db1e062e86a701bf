"""The foundation against the real server: Bolt, schema bootstrap, port clash, clean stop, bad URI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from neo4j import Driver

from graph.connection import Neo4jSettings, Neo4jUnavailable, connect
from graph.local_server import LocalNeo4j, LocalNeo4jError
from graph.schema import CONSTRAINTS, INDEXES, apply_schema, describe_schema
from tests.processes import java_pids

pytestmark = pytest.mark.neo4j
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_bolt_round_trip_reports_5_26(neo4j_driver: Driver) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
    )
    (kernel,) = [r for r in records if r["name"] == "Neo4j Kernel"]
    assert kernel["versions"][0].startswith("5.26.")
    assert kernel["edition"] == "community"
    records, _, _ = neo4j_driver.execute_query("RETURN $x + 1 AS y", x=41)
    assert records[0]["y"] == 42


def test_schema_bootstrap_twice_is_identical(neo4j_driver: Driver) -> None:
    apply_schema(neo4j_driver)
    first = describe_schema(neo4j_driver)
    apply_schema(neo4j_driver)
    second = describe_schema(neo4j_driver)
    assert first == second
    names = {name for _, name in first}
    assert {name for name, _ in CONSTRAINTS} <= names
    assert {name for name, _ in INDEXES} <= names


def test_port_in_use_gives_clear_error(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        server = LocalNeo4j(data_dir=tmp_path / "db", port=port)
        with pytest.raises(LocalNeo4jError, match=rf"port {port} .*already in use"):
            server.start(timeout=60)
        assert not server.running


def test_unreachable_uri_fails_fast_naming_it() -> None:
    with socket.socket() as sock:  # a port with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    uri = f"bolt://127.0.0.1:{port}"
    started = time.monotonic()
    with pytest.raises(Neo4jUnavailable, match=uri):
        connect(Neo4jSettings(uri=uri, connect_timeout_s=5))
    assert time.monotonic() - started < 15


def test_unroutable_uri_fails_within_timeout() -> None:
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, so the connect attempt times out rather
    # than being refused. It sends no traffic anywhere; it checks our timeout, not the network.
    uri = "bolt://192.0.2.1:7687"
    started = time.monotonic()
    with pytest.raises(Neo4jUnavailable, match=r"192\.0\.2\.1:7687"):
        connect(Neo4jSettings(uri=uri, connect_timeout_s=3))
    assert time.monotonic() - started < 12


def test_no_orphaned_java_when_parent_is_killed(tmp_path: Path) -> None:
    """A test process that dies by SIGKILL must not leave its Neo4j behind."""
    marker_dir = tmp_path
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from graph.local_server import LocalNeo4j
        server = LocalNeo4j(data_dir=Path({str(marker_dir)!r}) / "db")
        print(server.start(), flush=True)
        time.sleep(600)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith("bolt://")
    java = java_pids(str(marker_dir))
    assert java, "the Neo4j child should be running"
    child.kill()
    child.wait()
    deadline = time.monotonic() + 60
    while java_pids(str(marker_dir)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert java_pids(str(marker_dir)) == []


def test_session_server_stops_cleanly(tmp_path: Path) -> None:
    server = LocalNeo4j(data_dir=tmp_path / "db")
    server.start()
    pid = server.process.pid if server.process else -1
    server.stop()
    assert not server.running
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert os.environ.get("NEO4J_URI") or java_pids(str(tmp_path)) == []
