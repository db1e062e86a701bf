"""End to end over real HTTP: both subgraphs under uvicorn (``ltsa serve``), composed, behind Hive
Gateway; plus two stewards racing on one candidate against the linkage subgraph directly."""

from __future__ import annotations

import threading
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
def servers(
    world: World, neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """URLs of the registry and linkage subgraphs (linkage in production mode) and of the router."""
    router_ready()  # npm ci before the subgraphs start, so their start-up is not raced by the install
    with (
        running_subgraph(neo4j_settings.uri, "registry") as registry,
        running_subgraph(neo4j_settings.uri, "linkage", LTSA_ENV="production") as linkage,
    ):
        urls = {"registry": f"{registry}/graphql", "linkage": f"{linkage}/graphql"}
        supergraph = tmp_path_factory.mktemp("router") / "supergraph.graphql"
        compose(supergraph, urls)
        with running_router(supergraph) as url:
            yield {**urls, "router": url}


@pytest.fixture(scope="module")
def router(servers: dict[str, str]) -> str:
    return servers["router"]


def post(url: str, query: str, **variables: Any) -> dict[str, Any]:
    # A steward reads persons and candidates; a decision is made in the token subject's name.
    auth = headers("steward", sub=str(variables.get("steward", "ana")))
    response = httpx.post(url, json={"query": query, "variables": variables}, headers=auth, timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ask(url: str, query: str, **variables: Any) -> dict[str, Any]:
    body = post(url, query, **variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def test_a_person_from_the_registry_carries_candidates_from_linkage(router: str, world: World) -> None:
    query = """query($id: ID!) { person(id: $id) {
      fullName placements { agency { name } }
      matchCandidates { id status matchWeight left { key source } right { key source recordId } }
    } }"""
    person = ask(router, query, id=world.worker_ids[0])["person"]
    assert person["fullName"] == world.name_of[world.worker_ids[0]]
    assert person["placements"] == [{"agency": {"name": "PT MAJU JAYA MANDIRI"}}]
    [candidate] = person["matchCandidates"]
    assert candidate["id"] == world.review_candidate and candidate["status"] == "REVIEW"
    # left/right are declared by linkage as SourceRecord references; `source` comes from the registry.
    assert {candidate["left"]["source"], candidate["right"]["source"]} == {"dukcapil", "disnaker"}


def test_the_review_queue_shows_registry_persons_and_a_decision_applies(router: str, world: World) -> None:
    queue = """{ matchCandidates(status: REVIEW, first: 5) { totalCount edges { node {
      id version leftPerson { id fullName } rightPerson { id fullName recordCount } } } } }"""
    edges = ask(router, queue)["matchCandidates"]["edges"]
    review = next(e["node"] for e in edges if e["node"]["id"] == world.review_candidate)
    assert {review["leftPerson"]["fullName"], review["rightPerson"]["fullName"]} == {
        "SITI AMINAH",
        "SITI AMINA",
    }
    decide = """mutation($id: ID!, $v: Int!) {
      decideMatch(candidateId: $id, decision: MATCH, expectedVersion: $v, steward: "ana") {
        candidate { version samePerson } persons { id recordCount sourceRecords { key } } } }"""
    decided = ask(router, decide, id=world.review_candidate, v=review["version"])["decideMatch"]
    assert decided["candidate"] == {"version": review["version"] + 1, "samePerson": True}
    [merged] = decided["persons"]
    assert merged["recordCount"] == 3 and "disnaker:77" in [r["key"] for r in merged["sourceRecords"]]


def test_router_reports_the_entities_of_both_subgraphs(router: str) -> None:
    types = ask(router, '{ __type(name: "Person") { fields { name } } }')["__type"]["fields"]
    names = {f["name"] for f in types}
    assert {"fullName", "sourceRecords", "family"} <= names  # registry
    assert {"matchCandidates", "stewardDecisions"} <= names  # linkage


RACE = """mutation($id: ID!, $decision: DecisionValue!, $steward: String!) {
  decideMatch(candidateId: $id, decision: $decision, expectedVersion: 0, steward: $steward) {
    candidate { version } } }"""


def test_two_stewards_at_once_one_wins_the_other_gets_a_conflict(
    servers: dict[str, str], world: World
) -> None:
    start = threading.Barrier(2)
    answers: dict[str, dict[str, Any]] = {}

    def decide(steward: str, decision: str) -> None:
        start.wait()
        answers[steward] = post(
            servers["linkage"], RACE, id=world.wrong_merge_candidate, decision=decision, steward=steward
        )

    threads = [
        threading.Thread(target=decide, args=("ana", "MATCH")),
        threading.Thread(target=decide, args=("budi", "NON_MATCH")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    won = [s for s, a in answers.items() if "errors" not in a]
    lost = [s for s, a in answers.items() if "errors" in a]
    assert len(won) == 1 and len(lost) == 1, answers
    assert answers[won[0]]["data"]["decideMatch"]["candidate"]["version"] == 1
    assert answers[lost[0]]["errors"][0]["extensions"]["code"] == "CONFLICT"

    query = (
        "query($id: ID!) { matchCandidate(id: $id) { version samePerson decisions { steward decision } } }"
    )
    history = ask(servers["linkage"], query, id=world.wrong_merge_candidate)["matchCandidate"]
    assert history["version"] == 1 and [d["steward"] for d in history["decisions"]] == won
    # The graph shows exactly the winner's decision: a MATCH keeps the pair together, a NON_MATCH splits it.
    assert history["samePerson"] == (history["decisions"][0]["decision"] == "MATCH")


def test_graphiql_follows_the_environment(servers: dict[str, str]) -> None:
    html = {"Accept": "text/html"}
    assert httpx.get(servers["registry"], headers=html, timeout=30).status_code == 200
    assert httpx.get(servers["linkage"], headers=html, timeout=30).status_code == 404


INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.fixture(scope="module")
def production_router(servers: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second router over the same subgraphs, started with LTSA_ENV=production."""
    supergraph = tmp_path_factory.mktemp("router-production") / "supergraph.graphql"
    compose(supergraph, {"registry": servers["registry"], "linkage": servers["linkage"]})
    with running_router(supergraph, env={"LTSA_ENV": "production"}) as url:
        yield url


def test_the_development_router_serves_graphiql_and_answers_introspection(router: str) -> None:
    page = httpx.get(router, headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert post(router, INTROSPECTION) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_the_production_router_serves_no_graphiql_and_refuses_introspection(
    production_router: str, world: World
) -> None:
    page = httpx.get(production_router, headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 406 and not page.headers.get("content-type", "").startswith("text/html")
    refused = post(production_router, INTROSPECTION)
    assert refused.get("data") is None and refused["errors"], refused
    assert "introspection" in refused["errors"][0]["message"].lower()
    # Everything else still works, including __typename (clients and federation rely on it).
    person = ask(
        production_router,
        "query($id: ID!) { person(id: $id) { __typename fullName } }",
        id=world.worker_ids[0],
    )
    assert person == {"person": {"__typename": "Person", "fullName": world.name_of[world.worker_ids[0]]}}
