"""The registry subgraph's resolvers over the ASGI app (Starlette TestClient) and a real Neo4j."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.privacy.masking import IdentifierKind, mask, mask_reference
from gateway.sdl import subgraph_sdl
from graph.connection import Neo4jSettings
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import SHARED_PHONE, World, load_world
from tests.graphql_client import ask, data

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"))


@pytest.fixture(scope="module")
def client(world: World, neo4j_settings: Neo4jSettings) -> Iterator[TestClient]:
    # An investigator with a purpose may read everything the registry has, identifiers unmasked.
    auth = headers("investigator", purpose="CASE-2026-0001")
    with TestClient(create_app(neo4j_settings, "registry", auth_settings()), headers=auth) as test_client:
        yield test_client


def error(client: TestClient, query: str, **variables: Any) -> str:
    body = ask(client, query, **variables)
    assert body.get("errors"), body
    return str(body["errors"][0]["message"])


PERSON = """query($id: ID!) { person(id: $id) {
  id fullName birthDate isWorker recordCount
  provenance { field value source rule recordKey }
  sourceRecords { key source recordId values { field value raw } }
  family { relation direction basis relative { id fullName } }
  placements { phase destination departureDate agency { id name complaintCount } employer { name country } }
  complaints { id type against { id } filer { id } concerns { id } }
  region { code name parent { code } }
  ltsaOffices { name }
} }"""


def test_person_has_golden_record_provenance_and_neighbours(client: TestClient, world: World) -> None:
    first = world.worker_ids[0]
    person = data(client, PERSON, id=first)["person"]
    assert person["fullName"] == world.name_of[first]
    assert person["birthDate"] == "1990-05-01"
    assert [r["key"] for r in person["sourceRecords"]] == sorted(world.records_of[first])
    names = {v["field"]: v for v in person["sourceRecords"][1]["values"]}
    assert names["fullName"] == {"field": "fullName", "value": "SITI AMINAH", "raw": "Siti Aminah"}
    chosen = {p["field"]: p for p in person["provenance"]}
    assert chosen["nik"]["value"] == world.nik_of[first] and chosen["nik"]["source"] == "dukcapil"
    assert person["family"] == [
        {
            "relation": "istri",
            "direction": "PERSON_IS",
            "basis": "family_card",
            "relative": {"id": world.spouse_of[first], "fullName": "AHMAD RAHAYU"},
        }
    ]
    [placement] = person["placements"]
    assert placement["agency"] == {"id": world.agency_a, "name": "PT MAJU JAYA MANDIRI", "complaintCount": 2}
    assert placement["employer"] == {"name": "EMPLOYER 0", "country": "MY"}
    [complaint] = person["complaints"]
    assert complaint["concerns"]["id"] == first and complaint["filer"]["id"] == world.spouse_of[first]
    assert complaint["against"] == [{"id": world.agency_a}]
    assert person["region"] == {"code": "3212", "name": "INDRAMAYU", "parent": {"code": "32"}}
    assert person["ltsaOffices"] == [{"name": "LTSA KABUPATEN INDRAMAYU"}]


def test_unknown_ids_are_null_not_errors(client: TestClient) -> None:
    body = ask(client, '{ person(id: "P-NOPE") { id } region(code: "9999") { name } }')
    assert body == {"data": {"person": None, "region": None}, "extensions": body["extensions"]}


def test_lookup_by_nik_and_passport(client: TestClient, world: World) -> None:
    third = world.worker_ids[3]
    by_nik = data(client, "query($n: String!) { personByNik(nik: $n) { id } }", n=world.nik_of[third])
    assert by_nik["personByNik"] == {"id": third}
    number = world.passport_of[third].lower()
    by_passport = data(client, "query($n: String!) { personByPassport(number: $n) { id } }", n=number)
    assert by_passport["personByPassport"] == {"id": third}
    assert data(client, '{ personByNik(nik: "9999999999999999") { id } }')["personByNik"] is None


def test_invalid_arguments_say_what_is_wrong(client: TestClient) -> None:
    assert "16 digits" in error(client, '{ personByNik(nik: "12ab") { id } }')
    assert "between 1 and 100" in error(client, '{ searchPeople(name: "SITI", first: 101) { totalCount } }')
    assert "cursor" in error(client, '{ searchPeople(name: "SITI", after: "bogus") { totalCount } }')
    assert "hops must be between 1 and 4" in error(
        client, '{ neighbourhood(id: "P-0000", hops: 7) { truncated } }'
    )
    assert "unknown or no relationship type" in error(
        client, '{ neighbourhood(id: "P-0000", types: ["LOVES"]) { truncated } }'
    )
    assert "unknown node label" in error(client, '{ neighbourhood(id: "Planet:Mars") { truncated } }')
    assert "Unknown argument 'extra'" in error(client, '{ person(id: "P-0000", extra: 1) { id } }')


SEARCH = """query($name: String!, $birthDate: Date, $first: Int, $after: String) {
  searchPeople(name: $name, birthDate: $birthDate, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { score matchedName person { id } } }
  } }"""


def test_search_ranks_by_linkage_name_similarity(client: TestClient, world: World) -> None:
    found = data(client, SEARCH, name="Siti Amina", first=3)["searchPeople"]
    ids = [e["node"]["person"]["id"] for e in found["edges"]]
    assert ids[:2] == ["P-R0001", world.worker_ids[0]]  # exact spelling first, then one letter off
    scores = [e["node"]["score"] for e in found["edges"]]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0
    typo = data(client, SEARCH, name="sitti aminah", first=1)["searchPeople"]
    assert typo["edges"][0]["node"]["person"]["id"] == world.worker_ids[0]
    dated = data(client, SEARCH, name="SITI AMINA", birthDate="1990-05-01", first=10)["searchPeople"]
    assert {e["node"]["person"]["id"] for e in dated["edges"]} == {"P-R0001", world.worker_ids[0]}


def test_search_pages_with_cursors(client: TestClient) -> None:
    first = data(client, SEARCH, name="SITI DEWI NUR SRI", first=2)["searchPeople"]
    assert first["pageInfo"]["hasNextPage"] and first["totalCount"] > 4
    second = data(client, SEARCH, name="SITI DEWI NUR SRI", first=2, after=first["pageInfo"]["endCursor"])
    whole = data(client, SEARCH, name="SITI DEWI NUR SRI", first=4)["searchPeople"]
    paged = [e["node"]["person"]["id"] for e in first["edges"] + second["searchPeople"]["edges"]]
    assert paged == [e["node"]["person"]["id"] for e in whole["edges"]]


NESTED = """query($name: String!, $first: Int!) { searchPeople(name: $name, first: $first) { edges { node {
  person { id fullName
    family { relation relative { id fullName placements { id } } }
    placements { id agency { id name placementCount } employer { id placementCount } }
    sourceRecords { key values { field value } }
    complaints { id }
    region { name parent { name } }
  } } } } }"""


def test_round_trips_do_not_grow_with_the_number_of_persons(client: TestClient, world: World) -> None:
    # Nested fields whose lists are empty send no further statements, so the single person is a worker
    # with every nested list filled: the 20 can only add round trips by batching badly.
    one = ask(client, NESTED, name="SITI AMINAH", first=1)
    assert one["data"]["searchPeople"]["edges"][0]["node"]["person"]["id"] == world.worker_ids[0]
    everyone = "SITI DEWI NUR SRI RINA WATI ANI YULI TUTI LILIS"
    twenty = ask(client, NESTED, name=everyone, first=20)
    persons = [e["node"]["person"] for e in twenty["data"]["searchPeople"]["edges"]]
    assert len(persons) == 20
    workers = [p for p in persons if p["id"] in world.worker_ids]
    assert len(workers) >= 15  # fuzzy recall also finds a few husbands and the review person
    assert all(p["family"] and p["placements"] and p["sourceRecords"] for p in workers)
    assert one["extensions"]["cypherRoundTrips"] == twenty["extensions"]["cypherRoundTrips"]


def test_agencies_and_employers_filter_and_page(client: TestClient, world: World) -> None:
    query = (
        "{ agencies(minComplaints: 1) { totalCount edges { node { id complaintCount placementCount } } } }"
    )
    agencies = data(client, query)["agencies"]
    assert agencies["totalCount"] == 1
    assert agencies["edges"][0]["node"] == {"id": world.agency_a, "complaintCount": 2, "placementCount": 13}
    named = data(client, '{ agencies(name: "sinar") { edges { node { name licence } } } }')["agencies"]
    assert named["edges"] == [{"node": {"name": "PT SINAR ABADI", "licence": "KEP-202/2020"}}]
    employers = data(client, '{ employers(country: "HK", first: 1) { totalCount pageInfo { hasNextPage } } }')
    assert employers["employers"] == {"totalCount": 2, "pageInfo": {"hasNextPage": True}}
    assert "alpha-2" in error(client, '{ employers(country: "Malaysia") { totalCount } }')


NEIGHBOURHOOD = """query($id: ID!, $hops: Int!, $types: [String!]) {
  neighbourhood(id: $id, hops: $hops, types: $types) {
    nodes { id label } edges { source target type } truncated } }"""
PATHS = """query($from: ID!, $to: ID!, $maxHops: Int!) {
  paths(from: $from, to: $to, maxHops: $maxHops) { nodes { id } edges { type } } }"""


def test_neighbourhood_and_paths_return_nodes_and_edges(client: TestClient, world: World) -> None:
    first, spouse = world.worker_ids[0], world.spouse_of[world.worker_ids[0]]
    view = data(client, NEIGHBOURHOOD, id=first, hops=1, types=["FAMILY_OF"])["neighbourhood"]
    assert {n["id"] for n in view["nodes"]} == {f"Person:{first}", f"Person:{spouse}"}
    assert view["edges"] == [{"source": f"Person:{first}", "target": f"Person:{spouse}", "type": "FAMILY_OF"}]
    two_hops = data(client, NEIGHBOURHOOD, id=f"Person:{first}", hops=2, types=None)["neighbourhood"]
    labels = {n["label"] for n in two_hops["nodes"]}
    assert {"Agency", "Employer", "Placement", "SourceRecord", "Phone", "Complaint"} <= labels
    assert "Region" not in labels  # geography is not followed unless asked for
    assert not two_hops["truncated"]
    assert data(client, NEIGHBOURHOOD, id="P-NOPE", hops=1, types=None)["neighbourhood"] is None
    to_agency = {"from": first, "to": f"Agency:{world.agency_a}"}
    paths = data(client, PATHS, maxHops=2, **to_agency)["paths"]
    # Both 2-hop ways to the agency: her placement through it, and the complaint about her against it.
    assert {e["type"] for e in paths["edges"]} == {"HAS_PLACEMENT", "THROUGH_AGENCY", "CONCERNS", "AGAINST"}
    assert {n["id"].split(":")[0] for n in paths["nodes"]} == {"Person", "Placement", "Complaint", "Agency"}
    assert data(client, PATHS, maxHops=1, **to_agency)["paths"] == {"nodes": [], "edges": []}


VIEW_PROPERTIES = """query($id: ID!) { neighbourhood(id: $id, hops: 1, types: ["FAMILY_OF", "HAS_PHONE"]) {
  nodes { id label caption properties } edges { type properties } } }"""


def test_neighbourhood_properties_are_masked_unless_revealed_and_revealing_is_audited(
    client: TestClient, world: World, neo4j_settings: Neo4jSettings
) -> None:
    worker = world.worker_ids[4]
    nik = world.nik_of[worker]
    shown = data(client, VIEW_PROPERTIES, id=worker)["neighbourhood"]
    person = {n["id"]: n for n in shown["nodes"]}[f"Person:{worker}"]
    assert json.loads(person["properties"])["nik"] == nik
    assert {n["label"] for n in shown["nodes"]} == {"Person", "Phone"}
    assert all(isinstance(json.loads(e["properties"]), dict) for e in shown["edges"])

    app = create_app(neo4j_settings, "registry", auth_settings())
    with TestClient(app, headers=headers("investigator")) as masked_client:  # no purpose: masked
        hidden = data(masked_client, VIEW_PROPERTIES, id=worker)["neighbourhood"]
    assert nik not in json.dumps(hidden)
    person = {n["id"]: n for n in hidden["nodes"]}[f"Person:{worker}"]
    assert json.loads(person["properties"])["nik"] == mask(IdentifierKind.NIK, nik)
    phone = next(n for n in hidden["nodes"] if n["label"] == "Phone")
    assert phone["id"] == mask_reference(next(n["id"] for n in shown["nodes"] if n["label"] == "Phone"))
    assert phone["id"] != next(n["id"] for n in shown["nodes"] if n["label"] == "Phone")

    # The unmasked read above is on the person's audit trail, naming the identifiers it showed.
    with TestClient(app, headers=headers("admin")) as admin:
        trail = data(admin, AUDIT, id=worker)["auditTrail"]["edges"]
    fields = {f for e in trail if e["node"]["action"] == "read_identifiers" for f in e["node"]["fields"]}
    assert {"nik", "phone"} <= fields


AUDIT = """query($id: ID!) { auditTrail(personId: $id, first: 50) { edges { node { action fields } } } }"""


def test_risk_signals_and_ltsa_coverage(client: TestClient, world: World) -> None:
    assert data(client, "{ riskSignals { kind } }")["riskSignals"] == []  # nothing at default thresholds
    query = "{ riskSignals(minComplaints: 2, minRegencies: 1) { kind subjectId count detail } }"
    signals = {s["kind"]: s for s in data(client, query)["riskSignals"]}
    assert signals["SHARED_PHONE"]["subjectId"] == f"Phone:{SHARED_PHONE}"
    assert signals["SHARED_PHONE"]["count"] == 3
    assert signals["RISKY_AGENCY"]["subjectId"] == f"Agency:{world.agency_a}"
    assert signals["RISKY_AGENCY"]["detail"].startswith("2 complaint(s), 0 non-procedural")
    only = data(client, "{ riskSignals(kinds: [RISKY_AGENCY], minComplaints: 2) { kind } }")["riskSignals"]
    assert only == [{"kind": "RISKY_AGENCY"}]
    coverage = data(client, '{ ltsaCoverage(province: "32") { code workers served coverage offices } }')
    indramayu = next(r for r in coverage["ltsaCoverage"] if r["code"] == "3212")
    workers = len(world.worker_ids) + 2  # the review person and the wrongly merged person live there too
    served = len([i for i in range(len(world.worker_ids)) if i % 3 == 0])
    assert (indramayu["workers"], indramayu["served"]) == (workers, served)
    assert indramayu["coverage"] == pytest.approx(served / workers)
    assert "LTSA KABUPATEN INDRAMAYU" in indramayu["offices"]


def test_federation_service_and_entities(client: TestClient, world: World) -> None:
    assert data(client, "{ _service { sdl } }")["_service"]["sdl"] + "\n" == subgraph_sdl("registry")
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Person { id fullName } ... on Agency { id name } ... on Region { code name } } }"""
    representations = [
        {"__typename": "Person", "id": world.worker_ids[1]},
        {"__typename": "Person", "id": "P-NOPE"},
        {"__typename": "Agency", "id": world.agency_a},
        {"__typename": "Region", "code": "3212"},
    ]
    entities = data(client, query, r=representations)["_entities"]
    assert entities == [
        {"id": world.worker_ids[1], "fullName": world.name_of[world.worker_ids[1]]},
        None,
        {"id": world.agency_a, "name": "PT MAJU JAYA MANDIRI"},
        {"code": "3212", "name": "INDRAMAYU"},
    ]


def test_graphiql_is_served_in_development_only(
    world: World, neo4j_settings: Neo4jSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = {"Accept": "text/html"}
    with TestClient(create_app(neo4j_settings, "registry", auth_settings())) as development:
        page = development.get("/graphql", headers=html)
        assert page.status_code == 200 and "graphiql" in page.text.lower()
    monkeypatch.setenv("LTSA_ENV", "production")
    with TestClient(
        create_app(neo4j_settings, "registry", auth_settings()), headers=headers("app")
    ) as production:
        assert production.get("/graphql", headers=html).status_code == 404
        assert production.post("/graphql", json={"query": '{ person(id: "x") { id } }'}).status_code == 200


def test_committed_sdl_is_current() -> None:
    from gateway.sdl import stale_files

    assert stale_files() == [], "run: python -m gateway.sdl"
