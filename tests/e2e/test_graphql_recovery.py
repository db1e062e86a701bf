"""Neo4j goes away under a running gateway and comes back: 503 and a clear error, then recovery
without restarting the gateway (same Bolt port, same data folder)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.connection import Neo4jSettings, connect
from graph.local_server import LocalNeo4j, free_port
from tests.auth_tokens import headers
from tests.gateway_servers import running_subgraph

pytestmark = pytest.mark.neo4j

PERSON = '{ person(id: "P-RECOVER") { id fullName } }'


def ask(url: str, query: str) -> dict[str, Any]:
    response = httpx.post(url, json={"query": query}, headers=headers("app"), timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def wait_for_ready(base: str, timeout: float = 120.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        ready = httpx.get(f"{base}/readyz", timeout=30)
        if ready.status_code == 200 or time.monotonic() > deadline:
            return ready
        time.sleep(1)


def test_gateway_survives_a_neo4j_restart(tmp_path: Path) -> None:
    server = LocalNeo4j(data_dir=tmp_path / "neo4j", port=free_port())
    server.start()
    try:
        driver = connect(Neo4jSettings.from_env(uri=server.uri))
        driver.execute_query("CREATE (:Person {personId: 'P-RECOVER', fullName: 'WATI RAHAYU'})")
        driver.close()
        with running_subgraph(server.uri, "registry") as base:
            url = f"{base}/graphql"
            assert ask(url, PERSON)["data"]["person"] == {"id": "P-RECOVER", "fullName": "WATI RAHAYU"}

            server.stop()
            assert httpx.get(f"{base}/readyz", timeout=30).status_code == 503
            down = ask(url, PERSON)
            assert down["data"] == {"person": None}
            [error] = down["errors"]
            assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
            assert "graph database is unavailable" in error["message"]

            server.start()  # same port, same data folder
            assert wait_for_ready(base).status_code == 200
            back = ask(url, PERSON)
            assert "errors" not in back, back["errors"]
            assert back["data"]["person"] == {"id": "P-RECOVER", "fullName": "WATI RAHAYU"}
    finally:
        server.stop()
