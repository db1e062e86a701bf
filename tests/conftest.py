"""Shared fixtures. One real Neo4j per test session: NEO4J_URI if set, else the embedded local server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from neo4j import Driver

from graph.connection import Neo4jSettings, connect
from graph.local_server import LocalNeo4j


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j | None]:
    """The local server started for this test run, or None when NEO4J_URI points elsewhere."""
    if os.environ.get("NEO4J_URI"):
        yield None
        return
    # Under pytest's base temp, which keeps the last three runs: a store per run left in /tmp added up.
    server = LocalNeo4j(data_dir=tmp_path_factory.mktemp("neo4j"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_server: LocalNeo4j | None) -> Neo4jSettings:
    if neo4j_server is None:
        return Neo4jSettings.from_env()
    return Neo4jSettings.from_env(uri=neo4j_server.uri)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Neo4jSettings) -> Iterator[Driver]:
    driver = connect(neo4j_settings)
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture()
def clean_graph(neo4j_driver: Driver) -> Driver:
    """A driver over an empty graph (schema kept): tests own the data they assert on."""
    # CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.run, not execute_query.
    with neo4j_driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    return neo4j_driver
