"""`ltsa demo` end to end on the sample: pages and GraphQL answer, the summary matches the graph,
a second run changes nothing, and SIGINT leaves no process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from neo4j import GraphDatabase

from graph.local_server import free_port
from tests.processes import java_pids

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
COUNTS = """
MATCH (r:SourceRecord) WITH count(r) AS records
MATCH (p:Person) WITH records, count(p) AS persons
MATCH (c:MatchCandidate) WITH records, persons, count(c) AS candidates
MATCH ()-[rel]->() RETURN records, persons, candidates, count(rel) AS relationships
"""


def _command(data_dir: Path, work_dir: Path) -> list[str]:
    demo = [sys.executable, "-m", "ltsa.cli", "demo"]
    return [*demo, "--data-dir", str(data_dir), "--work-dir", str(work_dir)]


def _demo(args: list[str], data_dir: Path, work_dir: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "LTSA_"))}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ltsa.cli",
            "demo",
            "--data-dir",
            str(data_dir),
            "--work-dir",
            str(work_dir),
            *args,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _graph_counts(uri: str) -> dict[str, int]:
    with GraphDatabase.driver(uri) as driver:
        records, _, _ = driver.execute_query(COUNTS)
        return dict(records[0].data())


def test_demo_runs_serves_and_stops_cleanly(tmp_path: Path) -> None:
    data_dir, work_dir, port = tmp_path / "neo4j", tmp_path / "work", free_port()
    proc = _demo(["--port", str(port)], data_dir, work_dir)
    try:
        stack_file = work_dir / "stack.json"
        deadline = time.monotonic() + 900
        while not stack_file.exists():
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "the demo did not come up"
            time.sleep(1)
        stack = json.loads(stack_file.read_text())
        summary = json.loads((work_dir / "summary.json").read_text())

        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json()["neo4j"]["connected"]
        for page in ("review", "explore", "coverage", "login"):
            assert httpx.get(f"{stack['pages']}/{page}", timeout=10).status_code == 200
        secret = (work_dir / "dev-jwt-secret").read_text().strip()
        from gateway.auth.dev_tokens import mint_token
        from gateway.auth.principal import Role

        token = mint_token(secret, "demo-test", Role.STEWARD, 600)
        answer = httpx.post(
            stack["graphql"],
            json={
                "query": "{ matchCandidates(status: REVIEW, first: 5) { edges { node { id matchWeight } } } }"
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        assert "errors" not in answer, answer
        assert len(answer["data"]["matchCandidates"]["edges"]) == min(5, summary["review_pairs"])

        counts = _graph_counts(stack["neo4j"])
        assert counts["records"] == summary["source_records"] == sum(summary["records_per_source"].values())
        assert counts["persons"] == summary["persons"]
        assert java_pids(str(data_dir)), "the demo's own Neo4j should be running"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(120)
    assert proc.returncode == 0, proc.stdout.read() if proc.stdout else ""
    assert java_pids(str(data_dir)) == []

    # A second run on the same folders changes nothing.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "LTSA_"))}
    again = subprocess.run(
        [*_command(data_dir, work_dir), "--no-serve", "--json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,  # stdout holds only the JSON summary; progress goes to stderr
        text=True,
        timeout=900,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    second = json.loads(again.stdout)
    assert second == {**summary, "decisions_carried": 0}
    assert java_pids(str(data_dir)) == []
