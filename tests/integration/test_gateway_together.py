"""Both subgraphs served by one process (``LTSA_SUBGRAPH=registry,linkage``), over a real Neo4j.

Each subgraph answers at ``/<subgraph>/graphql`` with exactly its own schema, the federation entry points
work at each, and ``/graphql`` is the first subgraph named; one process alone serves its subgraph there
and at its own path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient
from typer.testing import CliRunner

from gateway.app import create_app, subgraphs_from_env, subgraphs_named
from gateway.sdl import subgraph_sdl
from graph.connection import Neo4jSettings
from ltsa.cli import app as cli
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import World, load_world

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("together"), workers=4)


@pytest.fixture(scope="module")
def both(world: World, neo4j_settings: Neo4jSettings) -> Iterator[TestClient]:
    app = create_app(neo4j_settings, ("registry", "linkage"), auth_settings())
    with TestClient(app, headers=headers("steward")) as client:
        yield client


def post(client: TestClient, path: str, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post(path, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def sdl(client: TestClient, path: str) -> str:
    return str(post(client, path, "{ _service { sdl } }")["data"]["_service"]["sdl"]) + "\n"


def test_each_subgraph_answers_at_its_own_path_with_its_own_schema(both: TestClient) -> None:
    assert sdl(both, "/registry/graphql") == subgraph_sdl("registry")
    assert sdl(both, "/linkage/graphql") == subgraph_sdl("linkage")
    assert sdl(both, "/graphql") == subgraph_sdl("registry")  # the first one named
    # A field of the other subgraph is not there: the two schemas stay apart in one process.
    refused = post(both, "/linkage/graphql", '{ searchPeople(name: "SITI") { totalCount } }')
    assert "searchPeople" in refused["errors"][0]["message"]
    health = both.get("/healthz").json()
    assert health["subgraph"] == "registry+linkage" and health["neo4j"]["connected"] is True


def test_reads_and_entities_of_both_subgraphs_from_one_process(both: TestClient, world: World) -> None:
    first = world.worker_ids[0]
    person = post(both, "/registry/graphql", "query($id: ID!) { person(id: $id) { fullName } }", id=first)
    assert person["data"]["person"]["fullName"] == world.name_of[first]
    queue = post(
        both, "/linkage/graphql", "{ matchCandidates(status: REVIEW, first: 5) { edges { node { id } } } }"
    )
    assert world.review_candidate in [e["node"]["id"] for e in queue["data"]["matchCandidates"]["edges"]]
    entities = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Person { id matchCandidates { id } } } }"""
    found = post(both, "/linkage/graphql", entities, r=[{"__typename": "Person", "id": first}])
    assert found["data"]["_entities"] == [{"id": first, "matchCandidates": [{"id": world.review_candidate}]}]


def test_one_subgraph_alone_answers_at_graphql_and_at_its_path(
    world: World, neo4j_settings: Neo4jSettings
) -> None:
    with TestClient(
        create_app(neo4j_settings, "linkage", auth_settings()), headers=headers("steward")
    ) as linkage:
        assert sdl(linkage, "/graphql") == sdl(linkage, "/linkage/graphql") == subgraph_sdl("linkage")
        assert linkage.post("/registry/graphql", json={"query": "{ __typename }"}).status_code == 404


def test_subgraph_names_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert subgraphs_named("linkage, registry") == (
        "linkage",
        "registry",
    )  # order kept: /graphql is the first
    for wrong in ("", "registry,", "registry,registry", "ledger", "registry;linkage"):
        with pytest.raises(ValueError, match="choose registry or linkage"):
            subgraphs_named(wrong)
    monkeypatch.setenv("LTSA_SUBGRAPH", "registry,linkage")
    assert subgraphs_from_env() == ("registry", "linkage")
    monkeypatch.setenv("LTSA_SUBGRAPH", "both")
    with pytest.raises(ValueError, match=r"^LTSA_SUBGRAPH: choose"):
        subgraphs_from_env()


def test_serve_refuses_an_unknown_subgraph_before_starting_anything() -> None:
    result = CliRunner().invoke(cli, ["serve", "--subgraph", "registry,ledger"])
    assert result.exit_code == 2
    assert "choose registry or linkage, or both" in " ".join(result.output.split())
