"""Each Cypher statement the gateway sends has its own deadline, and our Neo4j sends no read-timeout hint.

Neo4j's ``connection.recv_timeout_seconds`` hint would make the Python driver wrap every socket read in a
task with a timer; our servers do not send it (``server.bolt.connection_keep_alive_for_requests=OFF``).
Without it, nothing in the driver notices a database that stops answering but keeps the connection
open, so the runner bounds each statement itself. Both halves are checked against a real Neo4j: the
setting on the server we start, and a frozen server (SIGSTOP) failing a read with a clear error, then
answering again once it resumes, without a new driver or read client.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from neo4j import Driver

from gateway.app import read_client
from gateway.runner import CypherRunner, DatabaseUnavailable
from graph.connection import Neo4jSettings, async_driver
from graph.local_server import LocalNeo4j

pytestmark = pytest.mark.neo4j


def test_local_server_sends_no_read_timeout_hint(
    neo4j_server: LocalNeo4j | None, neo4j_driver: Driver
) -> None:
    if neo4j_server is None:
        pytest.skip("NEO4J_URI points at a server this project did not configure")
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.listConfig('server.bolt.connection_keep_alive_for_requests') YIELD name, value "
        "RETURN name, value"
    )
    assert [(r["name"], r["value"]) for r in records] == [
        ("server.bolt.connection_keep_alive_for_requests", "OFF")
    ]


@pytest.mark.parametrize("client", ["bolt", "driver"])
def test_frozen_database_fails_the_statement_then_recovers(tmp_path: Path, client: str) -> None:
    """Through the gateway's Bolt read client and through driver sessions (``LTSA_READ_CLIENT``)."""
    # Its own server: freezing the session's would stall every test sharing it.
    server = LocalNeo4j(data_dir=tmp_path / "neo4j")
    server.start()
    assert server.process is not None
    pid = server.process.pid
    try:
        settings = Neo4jSettings.from_env(uri=server.uri)

        async def scenario() -> tuple[list[dict[str, object]], str, list[dict[str, object]]]:
            driver = async_driver(settings)
            reader = read_client(settings, {"LTSA_READ_CLIENT": client})
            runner = CypherRunner(driver, "neo4j", answer_within_s=1.0, reader=reader)
            try:
                before = await runner.read("RETURN 1 AS answer", {})
                os.kill(pid, signal.SIGSTOP)
                try:
                    with pytest.raises(DatabaseUnavailable) as lost:
                        await runner.read("RETURN 2 AS answer", {})
                finally:
                    os.kill(pid, signal.SIGCONT)
                after = await runner.read("RETURN 3 AS answer", {})
                if reader is not None:  # the abandoned connection was not trusted again
                    assert reader.opened == 2
                return before, str(lost.value), after
            finally:
                if reader is not None:
                    await reader.close()
                await driver.close()

        before, error, after = asyncio.run(scenario())
    finally:
        os.kill(pid, signal.SIGCONT)  # never leave a stopped JVM behind, whatever failed
        server.stop()
    assert before == [{"answer": 1}]
    assert error == "the graph database did not answer within 1 s"
    assert after == [{"answer": 3}]
