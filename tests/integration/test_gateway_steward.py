"""The linkage subgraph and the steward workflow over the ASGI app and a real Neo4j.

One world per module; each test changes its own part of it (the review pair, the wrong merge, one
worker for unmerge), so the tests do not depend on each other's order.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.sdl import subgraph_sdl
from graph.connection import Neo4jSettings
from graph.queries.gateway_candidates import export_decisions
from linkage.linked import DECISIONS_FILE
from linkage.review import candidate_id, read_decisions
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import World, load_world
from tests.graphql_client import ask, data

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def linked_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("linked")


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, linked_dir: Path) -> World:
    return load_world(neo4j_driver, linked_dir, workers=10)


@pytest.fixture(scope="module")
def linkage(world: World, neo4j_settings: Neo4jSettings) -> Iterator[TestClient]:
    with TestClient(
        create_app(neo4j_settings, "linkage", auth_settings()), headers=headers("steward", sub="ana")
    ) as client:
        yield client


@pytest.fixture(scope="module")
def registry(world: World, neo4j_settings: Neo4jSettings) -> Iterator[TestClient]:
    with TestClient(
        create_app(neo4j_settings, "registry", auth_settings()), headers=headers("steward")
    ) as client:
        yield client


def records_of(registry: TestClient, person_id: str) -> list[str] | None:
    query = "query($id: ID!) { person(id: $id) { sourceRecords { key } } }"
    person = data(registry, query, id=person_id)["person"]
    return None if person is None else [r["key"] for r in person["sourceRecords"]]


QUEUE = """query($status: CandidateStatus, $minScore: Float, $source: String) {
  matchCandidates(status: $status, minScore: $minScore, source: $source) {
    totalCount edges { node { id version status matchWeight priorWeight samePerson
      left { key } right { key } leftPerson { id } rightPerson { id }
      explanation { comparison level weight cumulativeWeight } } } } }"""

DECIDE = """mutation($id: ID!, $decision: DecisionValue!, $version: Int!, $steward: String) {
  decideMatch(candidateId: $id, decision: $decision, expectedVersion: $version, note: "checked KK",
              steward: $steward) {
    candidate { id version status samePerson decisions { decision steward note } }
    decision { id decision steward decidedAt origin }
    persons { id } } }"""


def test_queue_filters_and_explains(linkage: TestClient, world: World) -> None:
    queue = data(linkage, QUEUE, status="REVIEW")["matchCandidates"]
    assert queue["totalCount"] == 2
    best = queue["edges"][0]["node"]
    assert best["id"] == world.review_candidate and best["version"] == 0 and not best["samePerson"]
    steps = best["explanation"]
    assert [s["comparison"] for s in steps] == ["name", "birth_date", "nik"]
    assert steps[-1]["cumulativeWeight"] == pytest.approx(best["matchWeight"])
    assert steps[0]["cumulativeWeight"] == pytest.approx(best["priorWeight"] + steps[0]["weight"])
    assert data(linkage, QUEUE, minScore=2.0)["matchCandidates"]["totalCount"] == 1
    assert data(linkage, QUEUE, source="dukcapil")["matchCandidates"]["totalCount"] == 1
    assert data(linkage, QUEUE, source="nowhere")["matchCandidates"]["totalCount"] == 0


def test_match_merges_at_once_and_a_second_steward_gets_a_conflict(
    linkage: TestClient, registry: TestClient, world: World
) -> None:
    kept, absorbed = world.review_persons
    before = records_of(registry, kept)
    assert before is not None
    decided = data(linkage, DECIDE, id=world.review_candidate, decision="MATCH", version=0)["decideMatch"]
    assert decided["candidate"]["version"] == 1 and decided["candidate"]["status"] == "DECIDED"
    assert decided["candidate"]["samePerson"] and decided["persons"] == [{"id": kept}]
    assert decided["decision"]["steward"] == "ana" and decided["decision"]["origin"] == "gateway"
    assert records_of(registry, kept) == sorted([*before, "disnaker:77"])
    assert records_of(registry, absorbed) is None

    late = ask(linkage, DECIDE, id=world.review_candidate, decision="NON_MATCH", version=0, steward="budi")
    [conflict] = late["errors"]
    assert conflict["extensions"] == {"code": "CONFLICT", "currentVersion": 1}
    assert "decided by someone else" in conflict["message"]
    assert records_of(registry, kept) == sorted([*before, "disnaker:77"])  # nothing changed
    history = data(
        linkage,
        "query($id: ID!) { matchCandidate(id: $id) { decisions { steward } } }",
        id=world.review_candidate,
    )
    assert history["matchCandidate"]["decisions"] == [{"steward": "ana"}]


def test_non_match_splits_a_wrong_merge(linkage: TestClient, registry: TestClient, world: World) -> None:
    decided = data(linkage, DECIDE, id=world.wrong_merge_candidate, decision="NON_MATCH", version=0)
    persons = [p["id"] for p in decided["decideMatch"]["persons"]]
    assert persons[0] == world.wrong_merge_person and len(persons) == 2
    assert not decided["decideMatch"]["candidate"]["samePerson"]
    left_key, right_key = world.wrong_merge_keys
    assert records_of(registry, world.wrong_merge_person) == [left_key]
    assert records_of(registry, persons[1]) == [right_key]
    query = "query($id: ID!) { person(id: $id) { birthDate } }"
    assert data(registry, query, id=persons[1])["person"] == {"birthDate": "1980-02-02"}  # from its record


PERSON_DECISIONS = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Person { stewardDecisions { decision leftKey rightKey } } } }"""
UNMERGE = """mutation($person: ID!, $keys: [ID!]!, $reason: String!) {
  unmerge(personId: $person, sourceRecordIds: $keys, reason: $reason) {
    person { id } newPerson { id } decisionsRecorded } }"""


def test_unmerge_moves_records_and_what_only_they_describe(
    linkage: TestClient, registry: TestClient, world: World
) -> None:
    worker = world.worker_ids[5]
    placement_record = "bp2mi:5"
    done = data(linkage, UNMERGE, person=worker, keys=[placement_record], reason="two women, one name")[
        "unmerge"
    ]
    new_id = done["newPerson"]["id"]
    assert done["person"] == {"id": worker} and done["decisionsRecorded"] == 1
    assert records_of(registry, worker) == ["dukcapil:5"]
    assert records_of(registry, new_id) == [placement_record]
    query = "query($id: ID!) { person(id: $id) { placements { id } family { relation } } }"
    assert data(registry, query, id=worker)["person"]["placements"] == []
    assert len(data(registry, query, id=new_id)["person"]["placements"]) == 1
    decisions = data(linkage, PERSON_DECISIONS, r=[{"__typename": "Person", "id": worker}])
    assert decisions["_entities"][0]["stewardDecisions"] == [
        {"decision": "NON_MATCH", "leftKey": placement_record, "rightKey": "dukcapil:5"}
    ]


def test_bad_steward_requests_are_refused_and_change_nothing(
    linkage: TestClient, registry: TestClient, world: World, neo4j_settings: Neo4jSettings
) -> None:
    unknown = ask(linkage, DECIDE, id="C-unknown", decision="MATCH", version=0)
    assert "unknown candidate C-unknown" in unknown["errors"][0]["message"]
    worker = world.worker_ids[7]
    foreign = ask(linkage, UNMERGE, person=worker, keys=["bp2mi:8"], reason="typo")
    assert "do not resolve to person" in foreign["errors"][0]["message"]
    everything = ask(linkage, UNMERGE, person=worker, keys=world.records_of[worker], reason="all")
    assert "keep at least one" in everything["errors"][0]["message"]
    assert records_of(registry, worker) == sorted(world.records_of[worker])
    with TestClient(create_app(neo4j_settings, "linkage", auth_settings())) as anonymous:
        query = {
            "query": DECIDE,
            "variables": {"id": world.review_candidate, "decision": "MATCH", "version": 1},
        }
        assert anonymous.post("/graphql", json=query).status_code == 401
        app = anonymous.post("/graphql", json=query, headers=headers("app")).json()
        assert app["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_decisions_export_to_the_log_the_next_linkage_run_reads(
    linkage: TestClient, neo4j_driver: Driver, world: World, linked_dir: Path
) -> None:
    version_query = "query($id: ID!) { matchCandidate(id: $id) { version persons: leftPerson { id } } }"
    seen = data(linkage, version_query, id=world.review_candidate)["matchCandidate"]
    done = data(
        linkage,
        DECIDE,
        id=world.review_candidate,
        decision="UNSURE",
        version=seen["version"],
        steward="citra",
    )
    assert done["decideMatch"]["candidate"]["version"] == seen["version"] + 1
    assert done["decideMatch"]["persons"] == [seen["persons"]]  # UNSURE leaves the graph as it was
    added = export_decisions(neo4j_driver, linked_dir)
    log = read_decisions(linked_dir / DECISIONS_FILE)
    assert added == len(log) >= 1
    assert set(log["decision"]) <= {"MATCH", "NON_MATCH", "UNSURE"}
    unsure = log[log["steward"] == "citra"]
    assert list(unsure["candidate_id"]) == [world.review_candidate]
    pairs = zip(log["left_key"], log["right_key"], log["candidate_id"], strict=True)
    assert all(candidate_id(left, right) == cid for left, right, cid in pairs)
    assert export_decisions(neo4j_driver, linked_dir) == 0  # exporting again adds nothing


def test_linkage_federation_sdl_and_person_extension(linkage: TestClient, world: World) -> None:
    assert data(linkage, "{ _service { sdl } }")["_service"]["sdl"] + "\n" == subgraph_sdl("linkage")
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Person { id matchCandidates { id } } } }"""
    first = world.worker_ids[0]
    entities = data(linkage, query, r=[{"__typename": "Person", "id": first}])["_entities"]
    assert entities == [{"id": first, "matchCandidates": [{"id": world.review_candidate}]}]


def test_cli_reloads_candidates_keeping_versions_and_exports_decisions(
    linkage: TestClient, world: World, linked_dir: Path, neo4j_settings: Neo4jSettings
) -> None:
    state = "query($id: ID!) { matchCandidate(id: $id) { version status } }"
    seen = data(linkage, state, id=world.review_candidate)["matchCandidate"]
    data(
        linkage, DECIDE, id=world.review_candidate, decision="UNSURE", version=seen["version"], steward="dewi"
    )
    decided = data(linkage, state, id=world.review_candidate)["matchCandidate"]
    env = {**os.environ, "NEO4J_URI": neo4j_settings.uri}

    def ltsa(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "ltsa.cli", "steward", *args, str(linked_dir)],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert done.returncode == 0, done.stderr
        return done.stderr + done.stdout

    assert "2 candidates loaded" in ltsa("load-candidates")
    # A reload of the same linked output keeps what stewards did: versions and decided statuses.
    assert data(linkage, state, id=world.review_candidate)["matchCandidate"] == decided
    assert "decision(s) appended" in ltsa("export-decisions")
    assert "dewi" in set(read_decisions(linked_dir / DECISIONS_FILE)["steward"])
