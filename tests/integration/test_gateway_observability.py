"""/metrics, request ids, JSON access lines and audit joins on the in-process app over a real Neo4j."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.observability.settings import LogFormat, MetricsAccess, ObservabilitySettings
from gateway.observability.wiring import Observability
from graph.connection import Neo4jSettings
from tests.auth_tokens import auth_settings, headers
from tests.gateway_world import World, load_world
from tests.metrics_scrape import label_values, parse_scrape, total, value

pytestmark = pytest.mark.neo4j

PURPOSE: Final = "CASE-2026-0077"
BY_NIK: Final = "query PersonByNik($nik: String!) { personByNik(nik: $nik) { id nik fullName } }"
PERSON: Final = "query ShowPerson($id: ID!) { person(id: $id) { id nik family { relative { id } } } }"


def observability(**settings: Any) -> Observability:
    chosen = ObservabilitySettings(**{"log_format": LogFormat.JSON, **settings})
    return Observability.create(chosen, service_name="test")


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=6)


@pytest.fixture(scope="module")
def client(world: World, neo4j_settings: Neo4jSettings) -> Iterator[TestClient]:
    app = create_app(neo4j_settings, "registry", auth_settings(), observability=observability())
    with TestClient(app) as test_client:
        yield test_client


def scrape(client: TestClient) -> dict[Any, float]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse_scrape(response.text)


def post(client: TestClient, query: str, auth: dict[str, str], **variables: Any) -> Any:
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=auth)


def log_lines(text: str) -> list[dict[str, Any]]:
    """Every line our handler wrote; each must be one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_graphql_request_moves_the_operation_http_and_cypher_metrics(
    client: TestClient, world: World
) -> None:
    before = scrape(client)
    worker = world.worker_ids[0]
    response = post(client, PERSON, headers("app"), id=worker)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    after = scrape(client)

    labels = {"operation": "ShowPerson", "type": "query", "outcome": "ok"}
    assert value(after, "ltsa_graphql_operations_total", **labels) == (
        value(before, "ltsa_graphql_operations_total", **labels) + 1
    )
    assert value(after, "ltsa_graphql_operation_duration_seconds_count", **labels) == (
        value(before, "ltsa_graphql_operation_duration_seconds_count", **labels) + 1
    )
    assert value(after, "ltsa_graphql_operation_duration_seconds_sum", **labels) > value(
        before, "ltsa_graphql_operation_duration_seconds_sum", **labels
    )
    http = {"route": "/graphql", "method": "POST", "status": "200"}
    assert (
        value(after, "ltsa_http_requests_total", **http)
        == value(before, "ltsa_http_requests_total", **http) + 1
    )
    # Every statement the request sent (it reports them itself) was timed once.
    round_trips = response.json()["extensions"]["cypherRoundTrips"]
    assert round_trips >= 1
    statements = total(after, "ltsa_cypher_statement_duration_seconds_count", mode="read", outcome="ok")
    assert (
        statements - total(before, "ltsa_cypher_statement_duration_seconds_count", mode="read", outcome="ok")
        == round_trips
    )
    assert total(after, "ltsa_cypher_statement_duration_seconds_sum") > total(
        before, "ltsa_cypher_statement_duration_seconds_sum"
    )
    assert (
        value(after, "ltsa_graphql_cypher_round_trips_count")
        == value(before, "ltsa_graphql_cypher_round_trips_count") + 1
    )
    assert (
        value(after, "ltsa_graphql_cypher_round_trips_sum")
        - value(before, "ltsa_graphql_cypher_round_trips_sum")
        == round_trips
    )


def test_a_refused_document_counts_as_an_error_outcome(client: TestClient) -> None:
    before = scrape(client)
    response = post(client, "query Broken { noSuchField }", headers("app"))
    assert response.status_code == 200 and response.json()["errors"]
    after = scrape(client)
    labels = {"operation": "Broken", "type": "query", "outcome": "error"}
    assert value(after, "ltsa_graphql_operations_total", **labels) == (
        value(before, "ltsa_graphql_operations_total", **labels) + 1
    )


def test_refused_and_unknown_paths_are_counted_under_their_route_not_the_path_sent(
    client: TestClient,
) -> None:
    before = scrape(client)
    assert client.post("/graphql", json={"query": "{ __typename }"}).status_code == 401
    assert client.get("/wp-admin/3201010101900001", headers=headers("app")).status_code == 404
    after = scrape(client)
    refused = {"route": "/graphql", "method": "POST", "status": "401"}
    assert value(after, "ltsa_http_requests_total", **refused) == (
        value(before, "ltsa_http_requests_total", **refused) + 1
    )
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(after, "ltsa_http_requests_total", **unmatched) == (
        value(before, "ltsa_http_requests_total", **unmatched) + 1
    )
    assert label_values(after, "ltsa_http_requests_total", "route") <= {
        "/graphql",
        "/metrics",
        "/healthz",
        "/readyz",
        "unmatched",
    }


def test_linkage_figures_and_neo4j_up_come_from_the_graph(client: TestClient, neo4j_driver: Driver) -> None:
    samples = scrape(client)
    [[records, persons, auto, review, completed]] = neo4j_driver.execute_query(
        """MATCH (r:LoadRun {status: 'complete'})
        RETURN COUNT { (:SourceRecord) }, COUNT { (:Person) },
               COUNT { (c:MatchCandidate WHERE c.status = 'auto_match') },
               COUNT { (c:MatchCandidate WHERE c.status = 'review') }, r.completedAt.epochMillis"""
    ).records
    assert value(samples, "ltsa_linkage_source_records") == records > 0
    assert value(samples, "ltsa_linkage_persons") == persons > 0
    assert value(samples, "ltsa_linkage_auto_matched_pairs") == auto
    assert value(samples, "ltsa_linkage_review_queue") == review > 0
    assert value(samples, "ltsa_linkage_run_completed_timestamp_seconds") == pytest.approx(completed / 1000)
    assert value(samples, "ltsa_neo4j_up") == 1


def test_the_request_id_joins_the_response_the_access_line_and_the_audit_events(
    client: TestClient, world: World, neo4j_driver: Driver, capsys: pytest.CaptureFixture[str]
) -> None:
    worker = world.worker_ids[1]
    nik = world.nik_of[worker]
    capsys.readouterr()
    auth = {**headers("investigator", PURPOSE, sub="rina"), "X-Request-Id": "case-77.req_1"}
    response = post(client, BY_NIK, auth, nik=nik)
    assert response.status_code == 200 and response.json()["data"]["personByNik"]["nik"] == nik
    assert response.headers["x-request-id"] == "case-77.req_1"
    lines = log_lines(capsys.readouterr().out)

    [access] = [line for line in lines if line["logger"] == "gateway.access"]
    assert access["request_id"] == "case-77.req_1"
    assert access | {"duration_ms": 0} == {
        "ts": access["ts"],
        "level": "INFO",
        "logger": "gateway.access",
        "msg": "POST /graphql 200",
        "request_id": "case-77.req_1",
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "duration_ms": 0,
        "operation": "PersonByNik",
        "sub": "rina",
        "role": "investigator",
    }
    assert access["duration_ms"] > 0
    events = neo4j_driver.execute_query(
        "MATCH (a:AuditEvent {requestId: 'case-77.req_1'}) RETURN a.personId AS person, a.sub AS sub"
    ).records
    assert events and {(e["person"], e["sub"]) for e in events} == {(worker, "rina")}


def test_hostile_request_ids_are_replaced_not_echoed(client: TestClient) -> None:
    hostile = ["x" * 65, "a b", "id\r\nSet-Cookie: x=1", "<script>", "3201010101900001", "+6281234567890", ""]
    seen = set()
    for sent in hostile:
        response = client.get("/healthz", headers={"X-Request-Id": sent})
        answered = response.headers["x-request-id"]
        assert answered != sent and len(answered) == 32 and answered.isalnum()
        seen.add(answered)
    assert len(seen) == len(hostile)  # each request got its own id
    assert client.get("/healthz").headers["x-request-id"] not in seen


def test_identifiers_in_variables_reach_neither_logs_nor_metrics(
    client: TestClient, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    nik, phone = world.nik_of[world.worker_ids[2]], "+6281298765432"
    capsys.readouterr()
    post(client, BY_NIK, headers("app"), nik=nik)
    post(client, BY_NIK, headers("app"), nik=phone)  # refused: not 16 digits; the error quotes it
    post(client, f"query q{nik} {{ __typename }}", headers("app"))  # an operation *named* by a NIK
    client.get(f"/people/{nik}/{phone}", headers=headers("app"))  # the access line logs the path
    metrics = client.get("/metrics").text
    out = capsys.readouterr().out
    paths = [line["path"] for line in log_lines(out) if line["logger"] == "gateway.access"]
    assert f"/people/{nik[:4]}********{nik[-4:]}/+62812*****432" in paths
    for identifier in (nik, phone, phone.lstrip("+")):
        assert identifier not in out
        assert identifier not in metrics
    assert "q3201" not in metrics


def test_the_operation_name_label_set_is_capped(world: World, neo4j_settings: Neo4jSettings) -> None:
    app = create_app(
        neo4j_settings, "registry", auth_settings(), observability=observability(max_operations=3)
    )
    with TestClient(app, headers=headers("app")) as client:
        for n in range(12):
            assert client.post("/graphql", json={"query": f"query Op{n} {{ __typename }}"}).status_code == 200
        client.post("/graphql", json={"query": "query " + "L" * 200 + " { __typename }"})
        samples = parse_scrape(client.get("/metrics").text)
    assert label_values(samples, "ltsa_graphql_operations_total", "operation") == {
        "Op0",
        "Op1",
        "Op2",
        "other",
    }
    assert (
        value(samples, "ltsa_graphql_operations_total", operation="other", type="query", outcome="ok") == 10
    )


@pytest.mark.parametrize(
    ("access", "anonymous", "with_token"),
    [(MetricsAccess.OPEN, 200, 200), (MetricsAccess.TOKEN, 401, 200), (MetricsAccess.OFF, 401, 404)],
)
def test_metrics_access_is_configurable(
    access: MetricsAccess, anonymous: int, with_token: int, world: World, neo4j_settings: Neo4jSettings
) -> None:
    # Off: no route, so the path is like any other unknown one (the token check comes first).
    app = create_app(neo4j_settings, "linkage", auth_settings(), observability=observability(metrics=access))
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == anonymous
        assert client.get("/metrics", headers=headers("app")).status_code == with_token
