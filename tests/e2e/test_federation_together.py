"""End to end over real HTTP: one ``ltsa serve --subgraph registry,linkage`` process answering for both
subgraphs (each at its own path), composed and behind Hive Gateway as two subgraphs on one host."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graph.connection import Neo4jSettings
from tests.auth_tokens import headers
from tests.gateway_servers import compose, router_ready, running_router, running_subgraph
from tests.gateway_world import World, load_world

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=4)


@pytest.fixture(scope="module")
def router(
    world: World, neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    router_ready()  # npm ci before the server starts, so its start-up is not raced by the install
    with running_subgraph(neo4j_settings.uri, "registry,linkage") as both:
        urls = {"registry": f"{both}/registry/graphql", "linkage": f"{both}/linkage/graphql"}
        supergraph = tmp_path_factory.mktemp("router") / "supergraph.graphql"
        compose(supergraph, urls)
        with running_router(supergraph) as url:
            yield url


def ask(url: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        url, json={"query": query, "variables": variables}, headers=headers("steward"), timeout=60
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def test_one_process_serves_a_query_spanning_both_subgraphs(router: str, world: World) -> None:
    query = """query($id: ID!) { person(id: $id) {
      fullName matchCandidates { id status left { key source } right { key source } } } }"""
    person = ask(router, query, id=world.worker_ids[0])["person"]
    assert person["fullName"] == world.name_of[world.worker_ids[0]]
    [candidate] = person["matchCandidates"]
    assert candidate["id"] == world.review_candidate and candidate["status"] == "REVIEW"
    # `source` on linkage's SourceRecord references is resolved by the registry: both paths were used.
    assert {candidate["left"]["source"], candidate["right"]["source"]} == {"dukcapil", "disnaker"}
