"""``person(id)`` in one round trip: the projected answer equals the one the batched loaders give.

The loaders' answer comes from ``_entities``, which resolves the same person field by field through the
DataLoaders (one batched statement per nested field); ``person(id)`` fetches what its selection names
in one statement and primes those loaders.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from gateway.app import create_app
from graph.connection import Neo4jSettings
from graph.queries.gateway_io import native, row_of
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import World, load_world

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=6)


@pytest.fixture(scope="module")
def client(world: World, neo4j_settings: Neo4jSettings) -> Iterator[TestClient]:
    # Masked reads: an unmasked one would add its audit write to the round trips counted here.
    auth = headers("app")
    with TestClient(create_app(neo4j_settings, "registry", auth_settings()), headers=auth) as test_client:
        yield test_client


def ask(client: TestClient, query: str, **variables: Any) -> tuple[dict[str, Any], int]:
    """(data, Cypher round trips) of a query that must succeed."""
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"], body["extensions"]["cypherRoundTrips"]


PARTS = """
  id fullName nik birthDate knownNames recordCount
  sourceRecords { key source recordId values { field value raw } }
  family { relation direction basis relative { id fullName sourceRecords { key } } }
  placements { phase destination departureDate agency { id name } employer { name country } }
"""
BY_ID = "query($id: ID!) { person(id: $id) {" + PARTS + "} }"
BY_LOADERS = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Person {" + PARTS + "} } }"


def loaded(client: TestClient, person_id: str) -> dict[str, Any]:
    found, _ = ask(client, BY_LOADERS, r=[{"__typename": "Person", "id": person_id}])
    person: dict[str, Any] = found["_entities"][0]
    return person


def test_person_with_records_family_and_placements_is_one_statement(client: TestClient, world: World) -> None:
    first = world.worker_ids[0]
    found, round_trips = ask(client, BY_ID, id=first)
    person = found["person"]
    assert round_trips == 1
    assert person["family"] and person["placements"] and person["sourceRecords"]
    assert person["family"][0]["relative"]["sourceRecords"]  # the relative's records came along too
    assert person == loaded(client, first)


def test_every_worker_reads_the_same_as_through_the_loaders(client: TestClient, world: World) -> None:
    for worker in world.worker_ids:
        assert ask(client, BY_ID, id=worker)[0]["person"] == loaded(client, worker)


def test_a_bare_person_is_one_statement_and_an_unknown_one_is_null(client: TestClient, world: World) -> None:
    bare = "query($id: ID!) { person(id: $id) { id fullName } }"
    found, round_trips = ask(client, bare, id=world.worker_ids[1])
    assert found["person"] == {"id": world.worker_ids[1], "fullName": world.name_of[world.worker_ids[1]]}
    assert round_trips == 1
    assert ask(client, BY_ID, id="P-NOPE") == ({"person": None}, 1)


def test_parts_asked_through_fragments_are_projected(client: TestClient, world: World) -> None:
    query = """query($id: ID!) { person(id: $id) { id ...Ties ... on Person { placements { phase } } } }
      fragment Ties on Person { family { relation relative { fullName } } }"""
    worker = world.worker_ids[2]
    found, round_trips = ask(client, query, id=worker)
    assert round_trips == 1
    spouse = loaded(client, world.spouse_of[worker])
    assert found["person"]["family"][0]["relative"]["fullName"] == spouse["fullName"]
    assert found["person"]["placements"] == [
        {"phase": p["phase"]} for p in loaded(client, worker)["placements"]
    ]


def test_records_asked_elsewhere_in_the_operation_reach_a_primed_relative(
    client: TestClient, world: World
) -> None:
    # The first field primes the spouse without asking for records; the second asks the spouse's
    # records. Whatever order they resolve in, the spouse must come with its records.
    first = world.worker_ids[0]
    spouse = world.spouse_of[first]
    query = """query($a: ID!, $b: ID!) {
      worker: person(id: $a) { family { relative { id fullName } } }
      spouse: person(id: $b) { sourceRecords { key } } }"""
    found, _ = ask(client, query, a=first, b=spouse)
    assert found["worker"]["family"][0]["relative"]["id"] == spouse
    expected = [{"key": r["key"]} for r in loaded(client, spouse)["sourceRecords"]]
    assert found["spouse"]["sourceRecords"] == expected and expected


def test_attributes_asked_elsewhere_in_the_operation_reach_a_primed_relative(
    client: TestClient, world: World
) -> None:
    # The first field asks only names, so alone it would read only the names of the persons it
    # brings; the second asks golden attributes of one of them (a default, e.g. isWorker false, would
    # show). Whatever order they resolve in, that person must come with them.
    worker = world.worker_ids[0]
    query = """query($a: ID!, $b: ID!) {
      spouse: person(id: $a) { fullName family { relative { id fullName } } }
      worker: person(id: $b) { fullName nik birthDate recordCount isWorker } }"""
    found, _ = ask(client, query, a=world.spouse_of[worker], b=worker)
    assert found["spouse"]["family"][0]["relative"]["id"] == worker
    expected = loaded(client, worker)
    assert found["worker"] == {
        "fullName": expected["fullName"],
        "nik": expected["nik"],
        "birthDate": expected["birthDate"],
        "recordCount": expected["recordCount"],
        "isWorker": True,
    }
    assert expected["nik"] and expected["recordCount"]


def test_a_names_only_read_matches_the_loaders(client: TestClient, world: World) -> None:
    names = """query($id: ID!) { person(id: $id) {
      id fullName knownNames family { relative { id fullName } } } }"""
    for worker in world.worker_ids[:3]:
        found, round_trips = ask(client, names, id=worker)
        full = loaded(client, worker)
        assert round_trips == 1
        assert (found["person"]["fullName"], found["person"]["knownNames"]) == (
            full["fullName"],
            full["knownNames"],
        )
        relatives = [t["relative"] for t in found["person"]["family"]]
        assert relatives == [
            {"id": t["relative"]["id"], "fullName": t["relative"]["fullName"]} for t in full["family"]
        ]


def test_parts_not_projected_still_come_batched(client: TestClient, world: World) -> None:
    query = """query($id: ID!) { person(id: $id) { family { relative {
      family { relative { id } } placements { phase } complaints { id } } } } }"""
    found, round_trips = ask(client, query, id=world.worker_ids[0])
    relative = found["person"]["family"][0]["relative"]
    assert relative["family"][0]["relative"]["id"] == world.worker_ids[0]
    assert round_trips == 4  # the person, then the relative's family, placements and complaints


def test_lookups_by_nik_and_passport_are_one_statement_with_their_parts(
    client: TestClient, world: World
) -> None:
    worker = world.worker_ids[3]
    by_nik = "query($n: String!) { personByNik(nik: $n) {" + PARTS + "} }"
    found, round_trips = ask(client, by_nik, n=world.nik_of[worker])
    assert round_trips == 1 and found["personByNik"] == loaded(client, worker)
    by_passport = "query($n: String!) { personByPassport(number: $n) {" + PARTS + "} }"
    found, round_trips = ask(client, by_passport, n=world.passport_of[worker])
    assert round_trips == 1 and found["personByPassport"] == loaded(client, worker)
    assert ask(client, '{ personByNik(nik: "9999999999999999") { id } }') == ({"personByNik": None}, 1)


PROVENANCE = "provenance { field value recordKey source rule }"


def loaded_provenance(client: TestClient, person_id: str) -> list[dict[str, Any]]:
    """A person's provenance through the loaders (which always read it)."""
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { " + PROVENANCE + " } } }"
    found, _ = ask(client, query, r=[{"__typename": "Person", "id": person_id}])
    provenance: list[dict[str, Any]] = found["_entities"][0]["provenance"]
    return provenance


def test_provenance_is_fetched_only_when_asked_yet_reaches_a_primed_relative(
    client: TestClient, world: World
) -> None:
    # The projection leaves the (large) provenance JSON out unless the operation asks for it anywhere:
    # the first field primes the spouse without it, the second asks the spouse's provenance.
    first = world.worker_ids[0]
    spouse = world.spouse_of[first]
    query = (
        "query($a: ID!, $b: ID!) { worker: person(id: $a) { family { relative { id } } } "
        "spouse: person(id: $b) { " + PROVENANCE + " } }"
    )
    found, _ = ask(client, query, a=first, b=spouse)
    expected = loaded_provenance(client, spouse)
    assert found["spouse"]["provenance"] == expected and expected


def test_a_search_brings_provenance_when_asked(client: TestClient, world: World) -> None:
    query = "query($n: String!) { searchPeople(name: $n, first: 3) { edges { node { person { id "
    found, _ = ask(client, query + PROVENANCE + " } } } } }", n=world.name_of[world.worker_ids[0]])
    persons = [edge["node"]["person"] for edge in found["searchPeople"]["edges"]]
    assert persons and all(p["provenance"] == loaded_provenance(client, p["id"]) for p in persons)
    assert all(p["provenance"] for p in persons)


def test_rows_are_the_drivers_own_export_in_one_walk(neo4j_driver: Driver, world: World) -> None:
    records = neo4j_driver.execute_query(
        "MATCH (p:Person)-[:HAS_PLACEMENT]->(pl) "
        "RETURN p, p {.*, at: datetime()} AS map, [pl.departureDate] AS dates LIMIT 3"
    ).records
    assert records and all(row_of(record) == native(record.data()) for record in records)
    assert isinstance(row_of(records[0])["p"], dict)  # a node becomes the map of its properties
    [relationship] = neo4j_driver.execute_query("MATCH ()-[f:FAMILY_OF]->() RETURN f LIMIT 1").records
    with pytest.raises(TypeError, match="returns maps"):
        row_of(relationship)
