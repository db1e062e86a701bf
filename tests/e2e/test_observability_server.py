"""`ltsa serve --log-format json` as a real process: its stdout is JSON lines joined to responses by id.

Checks what only the served process shows: stdout holds nothing but JSON lines, uvicorn's access log
does not duplicate ours, and the NIK/phone sent in variables appears neither in stdout nor in /metrics.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from graph.connection import Neo4jSettings
from graph.local_server import free_port
from ltsa.stack import PROJECT_ROOT, stop, wait_until_up
from tests.auth_tokens import AUTH_ENV, headers
from tests.metrics_scrape import parse_scrape, value

pytestmark = pytest.mark.neo4j

NIK: Final = "3201017708950003"
PHONE: Final = "+6281377001122"
BY_NIK: Final = "query FindByNik($nik: String!) { personByNik(nik: $nik) { id } }"


@dataclass(frozen=True)
class Server:
    base: str
    stdout: Path

    def lines(self) -> list[dict[str, Any]]:
        """Every stdout line, each parsed as JSON (a line that is not JSON fails the test)."""
        return [json.loads(line) for line in self.stdout.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def server(neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("served")
    port = free_port()
    env = {**os.environ, **AUTH_ENV, "NEO4J_URI": neo4j_settings.uri, "NEO4J_CONNECT_TIMEOUT": "3"}
    with (folder / "stdout").open("w") as out, (folder / "stderr").open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ltsa.cli", "serve", "--port", str(port), "--log-format", "json"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=err,
            text=True,
        )
    proc.log_path = str(folder / "stderr")  # type: ignore[attr-defined]  # read by wait_until_up on failure
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", proc)
        yield Server(base, folder / "stdout")
    finally:
        stop(proc)


def test_each_request_has_one_json_access_line_with_the_id_of_its_response(server: Server) -> None:
    sent = httpx.post(
        f"{server.base}/graphql",
        json={"query": BY_NIK, "variables": {"nik": NIK}},
        headers={**headers("steward", sub="dewi"), "X-Request-Id": "e2e-find-1"},
        timeout=60,
    )
    assert sent.status_code == 200 and sent.headers["x-request-id"] == "e2e-find-1"
    refused = httpx.post(f"{server.base}/graphql", json={"query": "{ __typename }"}, timeout=60)
    assert refused.status_code == 401
    generated = refused.headers["x-request-id"]
    assert httpx.get(f"{server.base}/readyz", timeout=60).status_code == 200

    lines = server.lines()
    access = [line for line in lines if line["logger"] == "gateway.access"]
    [graphql] = [line for line in access if line["request_id"] == "e2e-find-1"]
    assert (graphql["method"], graphql["path"], graphql["status"]) == ("POST", "/graphql", 200)
    assert (graphql["operation"], graphql["sub"], graphql["role"]) == ("FindByNik", "dewi", "steward")
    [unauthenticated] = [line for line in access if line["request_id"] == generated]
    assert unauthenticated["status"] == 401 and "sub" not in unauthenticated
    assert not [line for line in access if line["path"] == "/readyz"]  # a routine probe: DEBUG only
    # One line per request (the unpacking above), and uvicorn's access log does not repeat it.
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]


def test_identifiers_sent_in_variables_appear_neither_in_the_log_nor_in_metrics(server: Server) -> None:
    for nik in (NIK, PHONE):  # the phone is refused (not 16 digits) and the error quotes it back
        httpx.post(
            f"{server.base}/graphql",
            json={"query": BY_NIK, "variables": {"nik": nik}},
            headers=headers("app"),
            timeout=60,
        )
    scrape = httpx.get(f"{server.base}/metrics", timeout=60)
    assert scrape.status_code == 200
    samples = parse_scrape(scrape.text)
    for outcome in ("ok", "error"):
        labels = {"operation": "FindByNik", "type": "query", "outcome": outcome}
        assert value(samples, "ltsa_graphql_operations_total", **labels) >= 1
    assert value(samples, "ltsa_neo4j_up") == 1
    logged = server.stdout.read_text()
    for identifier in (NIK, PHONE, PHONE.lstrip("+")):
        assert identifier not in logged
        assert identifier not in scrape.text
