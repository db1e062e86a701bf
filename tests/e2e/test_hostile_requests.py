"""Hostile requests over real HTTP against the real Neo4j: injection strings in every string argument,
depth/alias/fragment/token/cost bombs, oversized pages and bodies, malformed requests. Each must be
refused or answered cleanly (no 5xx, no internals), and the graph must be exactly as before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import httpx
import pytest
from neo4j import Driver

from graph.connection import Neo4jSettings
from tests.auth_tokens import headers
from tests.gateway_servers import running_subgraph
from tests.gateway_world import World, load_world
from tests.hostile_probes import Answer, assert_clean, fingerprint, send

pytestmark = pytest.mark.neo4j

PAYLOADS: Final = (
    "' OR 1=1 //",
    '" OR ""="',
    "x'}) MATCH (n) DETACH DELETE n //",
    "`) DETACH DELETE n //",
    "P-0000'}) SET n.nik = '0' RETURN n //",
    "CALL dbms.components() YIELD name RETURN name",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "query { __schema { types { name } } }",
    "\u0000\u202e\u200b𝕊𝕀𝕋𝕀 ١٢٣ ３２０１ Z\u0335\u0336",
    '{"$gt": ""} %00%27%22 ${7*7} {{7*7}}',
    "Person:P-0000",
    "A" * 20_000,
)

# (name, subgraph, role, document with a String/ID variable $v). {worker}, {other_record} and
# {candidate} are filled from the world, so mutations reach real rows and still must change nothing.
TARGETS: Final = (
    ("person.id", "registry", "app", "query($v: ID!) { person(id: $v) { id nik } }"),
    ("personByNik", "registry", "app", "query($v: String!) { personByNik(nik: $v) { id } }"),
    ("personByPassport", "registry", "app", "query($v: String!) { personByPassport(number: $v) { id } }"),
    ("searchPeople.name", "registry", "app", "query($v: String!) { searchPeople(name: $v) { totalCount } }"),
    (
        "searchPeople.region",
        "registry",
        "app",
        'query($v: String) { searchPeople(name: "siti", region: $v) { totalCount } }',
    ),
    (
        "searchPeople.after",
        "registry",
        "app",
        'query($v: String) { searchPeople(name: "siti", after: $v) { totalCount } }',
    ),
    ("agencies.name", "registry", "app", "query($v: String) { agencies(name: $v) { totalCount } }"),
    ("agencies.licence", "registry", "app", "query($v: String) { agencies(licence: $v) { totalCount } }"),
    ("agencies.after", "registry", "app", "query($v: String) { agencies(after: $v) { totalCount } }"),
    ("employers.name", "registry", "app", "query($v: String) { employers(name: $v) { totalCount } }"),
    ("employers.country", "registry", "app", "query($v: String) { employers(country: $v) { totalCount } }"),
    ("region.code", "registry", "app", "query($v: ID!) { region(code: $v) { name } }"),
    ("sourceRecord.key", "registry", "app", "query($v: ID!) { sourceRecord(key: $v) { key } }"),
    ("ltsaCoverage.province", "registry", "app", "query($v: String) { ltsaCoverage(province: $v) { code } }"),
    (
        "neighbourhood.id",
        "registry",
        "investigator",
        "query($v: ID!) { neighbourhood(id: $v) { truncated } }",
    ),
    (
        "neighbourhood.types",
        "registry",
        "investigator",
        'query($v: String!) { neighbourhood(id: "{worker}", types: [$v]) { truncated } }',
    ),
    (
        "paths.from",
        "registry",
        "investigator",
        'query($v: ID!) { paths(from: $v, to: "{worker}") { truncated } }',
    ),
    (
        "paths.to",
        "registry",
        "investigator",
        'query($v: ID!) { paths(from: "{worker}", to: $v) { truncated } }',
    ),
    (
        "auditTrail.personId",
        "registry",
        "admin",
        "query($v: ID!) { auditTrail(personId: $v) { totalCount } }",
    ),
    (
        "auditTrail.after",
        "registry",
        "admin",
        'query($v: String) { auditTrail(personId: "{worker}", after: $v) { totalCount } }',
    ),
    (
        "_entities.Person",
        "registry",
        "app",
        'query($v: ID!) { _entities(representations: [{__typename: "Person", id: $v}]) '
        "{ ... on Person { id } } }",
    ),
    (
        "matchCandidates.source",
        "linkage",
        "steward",
        "query($v: String) { matchCandidates(source: $v) { totalCount } }",
    ),
    (
        "matchCandidates.after",
        "linkage",
        "steward",
        "query($v: String) { matchCandidates(after: $v) { totalCount } }",
    ),
    ("matchCandidate.id", "linkage", "steward", "query($v: ID!) { matchCandidate(id: $v) { id } }"),
    (
        "stewardDecisions.steward",
        "linkage",
        "steward",
        "query($v: String) { stewardDecisions(steward: $v) { totalCount } }",
    ),
    (
        "decideMatch.candidateId",
        "linkage",
        "steward",
        "mutation($v: ID!) { decideMatch(candidateId: $v, decision: UNSURE, expectedVersion: 0) "
        "{ decision { id } } }",
    ),
    (
        "decideMatch.note",
        "linkage",
        "steward",  # a real candidate at a stale version: a conflict, no write
        'mutation($v: String!) { decideMatch(candidateId: "{candidate}", decision: MATCH, '
        "expectedVersion: 99, note: $v) { decision { id } } }",
    ),
    (
        "decideMatch.steward",
        "linkage",
        "steward",
        'mutation($v: String) { decideMatch(candidateId: "{candidate}", decision: NON_MATCH, '
        "expectedVersion: 99, steward: $v) { decision { id } } }",
    ),
    (
        "unmerge.personId",
        "linkage",
        "steward",
        'mutation($v: ID!) { unmerge(personId: $v, sourceRecordIds: ["{other_record}"], reason: "x") '
        "{ decisionsRecorded } }",
    ),
    (
        "unmerge.sourceRecordIds",
        "linkage",
        "steward",
        'mutation($v: ID!) { unmerge(personId: "{worker}", sourceRecordIds: [$v], reason: "x") '
        "{ decisionsRecorded } }",
    ),
    (
        "unmerge.reason",
        "linkage",
        "steward",  # a record of another person: refused before anything moves
        'mutation($v: String!) { unmerge(personId: "{worker}", sourceRecordIds: ["{other_record}"], '
        "reason: $v) { decisionsRecorded } }",
    ),
)


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=4)


@pytest.fixture(scope="module")
def servers(world: World, neo4j_settings: Neo4jSettings, neo4j_driver: Driver) -> Iterator[dict[str, Any]]:
    unlimited = {"LTSA_RATE_LIMIT": "100000", "LTSA_RATE_BURST": "100000"}
    before = fingerprint(neo4j_driver)
    with (
        running_subgraph(neo4j_settings.uri, "registry", **unlimited) as registry,
        running_subgraph(neo4j_settings.uri, "linkage", LTSA_ENV="production", **unlimited) as linkage,
    ):
        yield {"registry": f"{registry}/graphql", "linkage": f"{linkage}/graphql", "before": before}


def fill(document: str, world: World) -> str:
    worker = world.worker_ids[0]
    other_record = world.records_of[world.worker_ids[1]][0]
    return (
        document.replace("{worker}", worker)
        .replace("{other_record}", other_record)
        .replace("{candidate}", world.review_candidate)
    )


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"p{n}" for n in range(len(PAYLOADS))])
@pytest.mark.parametrize(("target", "subgraph", "role", "document"), TARGETS, ids=[t[0] for t in TARGETS])
def test_injection_strings_are_only_ever_data(
    servers: dict[str, Any], world: World, target: str, subgraph: str, role: str, document: str, payload: str
) -> None:
    answer = send(servers[subgraph], fill(document, world), headers(role), v=payload)
    assert answer.status == 200
    assert_clean(answer)
    assert "FORBIDDEN" not in answer.codes  # each target is asked by a role allowed to ask it


def nested(depth: int) -> str:
    """Deep but cheap (a region's parent's parent …): only the depth limit can refuse it."""
    inner = "code"
    for _ in range(depth):
        inner = f"parent {{ {inner} }}"
    return f'{{ region(code: "3212") {{ {inner} }} }}'


def aliases(count: int, prefix: str = "a") -> str:
    return " ".join(f"{prefix}{n}: __typename" for n in range(count))


BOMBS: Final = (
    ("depth", nested(14), "exceeds maximum operation depth"),
    ("aliases", f"{{ {aliases(31)} }}", "aliases found"),
    # GHSA-fr49-mhgj-crfc: aliases inside a fragment counted once however often it was spread.
    (
        "fragment-aliases",
        f"query {{ ...F ...F ...F ...F }} fragment F on Query {{ {aliases(10)} }}",
        "aliases found",
    ),
    (
        "nested-fragment-aliases",
        f"query {{ ...G ...G }} fragment G on Query {{ ...F ...F }} fragment F on Query {{ {aliases(8)} }}",
        "aliases found",
    ),
    ("tokens", "{ " + "__typename " * 2500 + "}", "token"),
    (
        "cost",
        '{ searchPeople(name: "siti", first: 100) { edges { node { person { '
        "family { relative { family { relative { sourceRecords { values { field value raw } } } } } } "
        "} } } } }",
        "query cost exceeds",
    ),
    (
        "fragment-cost-bomb",
        '{ person(id: "P-0000") { ...F0 } } '
        + " ".join(f"fragment F{n} on Person {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40))
        + " fragment F40 on Person { id }",
        "query cost exceeds",
    ),
    (
        "fragment-cycle",
        '{ person(id: "P-0000") { ...A } } fragment A on Person { ...B } fragment B on Person { ...A }',
        "fragment cycle",
    ),
)


@pytest.mark.parametrize(("name", "document", "message"), BOMBS, ids=[b[0] for b in BOMBS])
def test_query_bombs_are_refused_before_running(
    servers: dict[str, Any], name: str, document: str, message: str
) -> None:
    answer = send(servers["registry"], document, headers("investigator"))
    assert_clean(answer)
    assert answer.errors and message.lower() in " ".join(e["message"] for e in answer.errors).lower(), (
        answer.text
    )
    assert answer.body.get("data") is None


PAGES: Final = (
    ("registry", "app", '{{ searchPeople(name: "siti", first: {n}) {{ totalCount }} }}'),
    ("registry", "app", "{{ agencies(first: {n}) {{ totalCount }} }}"),
    ("registry", "app", "{{ employers(first: {n}) {{ totalCount }} }}"),
    ("registry", "investigator", "{{ riskSignals(first: {n}) {{ kind }} }}"),
    ("registry", "admin", '{{ auditTrail(personId: "P-0000", first: {n}) {{ totalCount }} }}'),
    ("linkage", "steward", "{{ matchCandidates(first: {n}) {{ totalCount }} }}"),
    ("linkage", "steward", "{{ stewardDecisions(first: {n}) {{ totalCount }} }}"),
    ("linkage", "steward", "{{ loadRuns(first: {n}) {{ id }} }}"),
)


@pytest.mark.parametrize("size", [0, -1, 101, 100_000, 2**31 - 1])
@pytest.mark.parametrize(("subgraph", "role", "document"), PAGES, ids=[p[2].split("(")[0][3:] for p in PAGES])
def test_page_sizes_outside_the_cap_are_refused(
    servers: dict[str, Any], subgraph: str, role: str, document: str, size: int
) -> None:
    answer = send(servers[subgraph], document.format(n=size), headers(role))
    assert_clean(answer)
    assert any("between 1 and 100" in e["message"] for e in answer.errors), answer.text


def raw(url: str, **request: Any) -> Answer:
    response = httpx.request(request.pop("method", "POST"), url, timeout=60, **request)
    return Answer(response.status_code, response.text)


def test_malformed_and_oversized_requests_get_4xx(servers: dict[str, Any]) -> None:
    url = servers["registry"]
    auth = headers("app")
    assert raw(url, content=b"x" * 70_000, headers=auth).status == 413
    assert raw(url, json={"query": "{ __typename }", "pad": "y" * 70_000}, headers=auth).status == 413
    for content in (b"{not json", b"[]", b'[{"query": "{ __typename }"}]', b'{"query": 42}', b"\xff\xfe"):
        answer = raw(url, content=content, headers={**auth, "Content-Type": "application/json"})
        assert 400 <= answer.status < 500, (content, answer.status, answer.text)
        assert_clean(answer)
    assert raw(url, method="GET", params={"query": "{ __typename }"}, headers=auth).status in (400, 405)
    assert raw(url, method="DELETE", headers=auth).status == 405
    bad_syntax = send(url, "{ person(id: ", auth)
    assert bad_syntax.status == 200 and "Syntax Error" in bad_syntax.errors[0]["message"]


def test_introspection_and_graphiql_are_off_in_production(servers: dict[str, Any]) -> None:
    steward = headers("steward")
    refused = send(servers["linkage"], "{ __schema { types { name } } }", steward)
    assert_clean(refused)
    assert refused.errors and "introspection" in refused.errors[0]["message"].lower()
    assert httpx.get(servers["linkage"], headers={"Accept": "text/html"}, timeout=30).status_code in (
        401,
        404,
    )
    allowed = send(servers["registry"], '{ __type(name: "Person") { name } }', headers("app"))
    assert allowed.body["data"] == {"__type": {"name": "Person"}}  # development keeps it


def test_the_graph_is_unchanged_after_every_probe(servers: dict[str, Any], neo4j_driver: Driver) -> None:
    assert fingerprint(neo4j_driver) == servers["before"]
