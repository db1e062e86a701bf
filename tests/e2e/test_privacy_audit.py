"""Purpose-bound identifiers over real HTTP: who may see them, and the audit trail that records it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any, Final

import pytest
from neo4j import Driver

from graph.connection import Neo4jSettings
from tests.auth_tokens import headers
from tests.gateway_servers import running_subgraph
from tests.gateway_world import World, load_world
from tests.hostile_probes import send

pytestmark = pytest.mark.neo4j

PURPOSE: Final = "CASE-2026-0042"
PERSON: Final = """query($id: ID!) { person(id: $id) { id nik phone passportNumber
  sourceRecords { key values { field value } } } }"""
TRAIL: Final = """query($id: ID!, $after: String) { auditTrail(personId: $id, first: 100, after: $after) {
  totalCount edges { node {
    subject role purpose action personId recordKey fields operationHash requestId } } } }"""


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=4)


@pytest.fixture(scope="module")
def servers(world: World, neo4j_settings: Neo4jSettings) -> Iterator[dict[str, str]]:
    with (
        running_subgraph(neo4j_settings.uri, "registry") as registry,
        running_subgraph(neo4j_settings.uri, "linkage") as linkage,
    ):
        yield {"registry": f"{registry}/graphql", "linkage": f"{linkage}/graphql"}


def data(url: str, document: str, auth: dict[str, str], **variables: Any) -> dict[str, Any]:
    answer = send(url, document, auth, **variables)
    assert answer.status == 200 and not answer.errors, answer.text
    found: dict[str, Any] = answer.body["data"]
    return found


def trail(servers: dict[str, str], person_id: str) -> list[dict[str, Any]]:
    found = data(servers["registry"], TRAIL, headers("admin", sub="auditor"), id=person_id)["auditTrail"]
    events = [edge["node"] for edge in found["edges"]]
    assert found["totalCount"] == len(events)
    return events


def masked(nik: str) -> str:
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}"


def test_without_an_entitled_role_and_a_purpose_identifiers_are_masked_and_nothing_is_recorded(
    servers: dict[str, str], world: World
) -> None:
    worker = world.worker_ids[1]
    before = trail(servers, worker)
    for role, purpose in (("app", None), ("app", PURPOSE), ("steward", PURPOSE), ("investigator", None)):
        person = data(servers["registry"], PERSON, headers(role, purpose=purpose), id=worker)["person"]
        assert person["nik"] == masked(world.nik_of[worker])
        assert world.passport_of[worker] not in json.dumps(person)
    assert trail(servers, worker) == before


def test_an_investigator_with_a_purpose_sees_identifiers_and_one_write_records_who_what_why(
    servers: dict[str, str], world: World, neo4j_driver: Driver
) -> None:
    worker = world.worker_ids[0]
    [[events_before]] = neo4j_driver.execute_query("MATCH (a:AuditEvent) RETURN count(a)").records
    person = data(servers["registry"], PERSON, headers("investigator", PURPOSE, sub="rina"), id=worker)[
        "person"
    ]
    assert person["nik"] == world.nik_of[worker] and person["passportNumber"] == world.passport_of[worker]

    mine = [e for e in trail(servers, worker) if e["subject"] == "rina"]
    [read] = [e for e in mine if e["recordKey"] is None]
    assert (read["role"], read["purpose"], read["action"]) == ("investigator", PURPOSE, "read_identifiers")
    assert {"nik", "passportNumber"} <= set(read["fields"])
    expected = json.dumps({"query": PERSON, "variables": {"id": worker}}, sort_keys=True)
    assert read["operationHash"] == hashlib.sha256(expected.encode()).hexdigest()
    # The source records' values were shown too: one event per record, attributed to the person.
    records = {e["recordKey"] for e in mine if e["recordKey"]}
    assert records == set(world.records_of[worker])
    assert {e["requestId"] for e in mine} == {read["requestId"]}  # one request, one write
    [[events_after]] = neo4j_driver.execute_query("MATCH (a:AuditEvent) RETURN count(a)").records
    assert events_after - events_before == len(mine)


def test_a_search_with_a_purpose_records_every_person_it_showed(
    servers: dict[str, str], world: World
) -> None:
    search = '{ searchPeople(name: "SITI", first: 3) { edges { node { person { id nik } } } } }'
    edges = data(servers["registry"], search, headers("investigator", PURPOSE, sub="dewi"))["searchPeople"][
        "edges"
    ]
    shown = [edge["node"]["person"] for edge in edges]
    assert shown and all(p["nik"] is None or "*" not in p["nik"] for p in shown)
    requests = set()
    for person in shown:
        if person["nik"] is None:
            continue
        [event] = [e for e in trail(servers, person["id"]) if e["subject"] == "dewi"]
        assert event["fields"] == ["nik"]
        requests.add(event["requestId"])
    assert len(requests) == 1


def test_a_steward_decision_is_recorded_against_both_persons(servers: dict[str, str], world: World) -> None:
    version = data(
        servers["linkage"],
        "query($id: ID!) { matchCandidate(id: $id) { version } }",
        headers("steward", sub="ana"),
        id=world.review_candidate,
    )["matchCandidate"]["version"]
    decide = """mutation($id: ID!, $v: Int!) {
      decideMatch(candidateId: $id, decision: UNSURE, expectedVersion: $v, note: "checked") {
        persons { id } } }"""
    persons = data(
        servers["linkage"], decide, headers("steward", sub="ana"), id=world.review_candidate, v=version
    )
    ids = [p["id"] for p in persons["decideMatch"]["persons"]]
    assert set(ids) == set(world.review_persons)
    for person_id in ids:
        decisions = [e for e in trail(servers, person_id) if e["action"] == "decide_match"]
        assert [(e["subject"], e["role"], e["fields"]) for e in decisions] == [("ana", "steward", [])]


def test_the_trail_pages_newest_first(servers: dict[str, str], world: World) -> None:
    worker = world.worker_ids[2]
    for n in range(3):
        data(
            servers["registry"],
            "query($id: ID!) { person(id: $id) { nik } }",
            headers("investigator", PURPOSE, sub=f"u{n}"),
            id=worker,
        )
    page = """query($id: ID!, $after: String) { auditTrail(personId: $id, first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { subject } } } }"""
    admin = headers("admin")
    first = data(servers["registry"], page, admin, id=worker, after=None)["auditTrail"]
    second = data(servers["registry"], page, admin, id=worker, after=first["pageInfo"]["endCursor"])[
        "auditTrail"
    ]
    subjects = [e["node"]["subject"] for e in first["edges"] + second["edges"]]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert subjects == ["u2", "u1", "u0"]
