"""``ltsa neo4j start|status|stop`` as a user runs it: separate processes, a real detached Neo4j."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from tests.processes import java_pids

pytestmark = pytest.mark.neo4j
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def ltsa(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ltsa.cli", "neo4j", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "LTSA_NEO4J_DATA": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture()
def data_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "neo4j"
    yield folder
    # A failing assertion must not leave a background Java behind for the rest of the suite.
    if java_pids(str(folder)):
        ltsa(folder, "stop")


def exported_uri(stdout: str) -> str:
    [line] = stdout.splitlines()
    assert line.startswith("export NEO4J_URI=bolt://"), stdout
    return line.removeprefix("export NEO4J_URI=")


def test_start_status_round_trip_stop(data_dir: Path) -> None:
    started = ltsa(data_dir, "start", "--port", "0")
    assert started.returncode == 0, started.stderr
    uri = exported_uri(started.stdout)
    assert json.loads((data_dir.parent / "neo4j.json").read_text())["uri"] == uri

    status = ltsa(data_dir, "status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["status"] == "running" and report["uri"] == uri
    assert java_pids(str(data_dir)) == [report["pid"]]

    again = ltsa(data_dir, "start", "--port", "0")  # idempotent: the same server, not a second one
    assert again.returncode == 0 and exported_uri(again.stdout) == uri
    assert "already running" in again.stderr

    with GraphDatabase.driver(uri) as driver:
        driver.execute_query("CREATE (:CliProbe {name: $name})", name="round trip")
        records, _, _ = driver.execute_query("MATCH (p:CliProbe) RETURN p.name AS name")
    assert [r["name"] for r in records] == ["round trip"]
    assert (data_dir / "data" / "databases" / "neo4j").is_dir(), "the store lives in the data folder"

    stopped = ltsa(data_dir, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stderr and "killed" not in stopped.stderr
    assert java_pids(str(data_dir)) == []
    assert not (data_dir.parent / "neo4j.json").exists()
    after = ltsa(data_dir, "status")
    assert after.returncode == 1 and after.stdout.startswith("stopped")


def test_a_taken_port_is_a_configuration_error_and_leaves_nothing_behind(data_dir: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        started = ltsa(data_dir, "start", "--port", str(port))
    assert started.returncode == 2
    assert f"port {port}" in started.stderr and "already in use" in started.stderr
    assert started.stdout == ""
    assert not (data_dir.parent / "neo4j.json").exists()
    assert java_pids(str(data_dir)) == []


def test_status_and_stop_without_a_server(data_dir: Path) -> None:
    status = ltsa(data_dir, "status", "--json")
    assert status.returncode == 1
    assert json.loads(status.stdout) == {"status": "stopped", "data_dir": str(data_dir)}
    stop = ltsa(data_dir, "stop")
    assert stop.returncode == 0 and "not running" in stop.stderr


def test_a_stale_state_file_reads_as_stopped(data_dir: Path) -> None:
    # A pid that is certainly gone: a child we started and reaped ourselves.
    gone = subprocess.Popen(["true"])
    gone.wait()
    state = {"pid": gone.pid, "uri": "bolt://127.0.0.1:1", "data_dir": str(data_dir), "log": "x"}
    (data_dir.parent / "neo4j.json").write_text(json.dumps(state))
    status = ltsa(data_dir, "status")
    assert status.returncode == 1 and status.stdout.startswith("stopped")
    assert ltsa(data_dir, "stop").returncode == 0
    assert not (data_dir.parent / "neo4j.json").exists()


def test_a_data_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "neo4j"
    not_a_folder.write_text("not a folder")
    started = ltsa(not_a_folder, "start", "--port", "0")
    assert started.returncode == 2 and "is a file" in started.stderr
    assert not_a_folder.read_text() == "not a folder"


def test_without_java_start_is_a_configuration_error(data_dir: Path) -> None:
    # An empty PATH: no java (nor mvn, should the launcher need building) — nothing may start.
    started = ltsa(data_dir, "start", "--port", "0", PATH=str(data_dir.parent / "no-tools"))
    assert started.returncode == 2, started.stderr
    assert "java" in started.stderr and "Traceback" not in started.stderr
    assert not (data_dir.parent / "neo4j.json").exists()
