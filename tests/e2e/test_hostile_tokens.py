"""Hostile callers over real HTTP: forged, expired, unsigned and wrong-key tokens, role escalation,
identifier leakage per role (answers and error messages), and the per-subject rate limit. The graph
must be exactly as before."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any, Final

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from neo4j import Driver

from gateway.auth.dev_tokens import mint_token
from gateway.auth.principal import Role
from graph.connection import Neo4jSettings
from tests.auth_tokens import TEST_SECRET, headers, token
from tests.gateway_servers import running_subgraph
from tests.gateway_world import World, load_world
from tests.hostile_probes import assert_clean, fingerprint, identifier_values, send

pytestmark = pytest.mark.neo4j

PERSON: Final = '{ person(id: "P-0000") { id } }'


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> World:
    return load_world(neo4j_driver, tmp_path_factory.mktemp("linked"), workers=4)


@pytest.fixture(scope="module")
def servers(world: World, neo4j_settings: Neo4jSettings, neo4j_driver: Driver) -> Iterator[dict[str, Any]]:
    unlimited = {"LTSA_RATE_LIMIT": "100000", "LTSA_RATE_BURST": "100000"}
    before = fingerprint(neo4j_driver)
    with (
        running_subgraph(neo4j_settings.uri, "registry", **unlimited) as registry,
        running_subgraph(neo4j_settings.uri, "linkage", **unlimited) as linkage,
    ):
        yield {"registry": f"{registry}/graphql", "linkage": f"{linkage}/graphql", "before": before}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "mallory", "role": "admin", "iat": now, "exp": now + 600, **overrides}


def _escalated() -> str:
    """An app token whose payload was rewritten to role admin, keeping the app signature."""
    head, _, signature = token("app").split(".")
    return f"{head}.{_b64(_claims())}.{signature}"


OTHER_KEY: Final = rsa.generate_private_key(public_exponent=65537, key_size=2048)
BAD_AUTHORIZATIONS: Final = {
    "missing": None,
    "empty": "",
    "scheme-only": "Bearer",
    "basic": "Basic bWFsbG9yeTpzZWNyZXQ=",
    "not-a-jwt": "Bearer hello",
    "forged-secret": "Bearer " + jwt.encode(_claims(), "a-different-secret-of-sufficient-length!!", "HS256"),
    "expired": "Bearer " + mint_token(TEST_SECRET, "ana", Role.APP, 60, now=int(time.time()) - 7200),
    "not-yet-valid": "Bearer " + jwt.encode(_claims(nbf=int(time.time()) + 3600), TEST_SECRET, "HS256"),
    "alg-none": f"Bearer {_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.",
    "alg-none-signed": f"Bearer {_b64({'alg': 'none'})}.{_b64(_claims())}.c2ln",
    "rs256-unknown-key": "Bearer " + jwt.encode(_claims(), OTHER_KEY, "RS256", headers={"kid": "k1"}),
    "hs512": "Bearer " + jwt.encode(_claims(), TEST_SECRET + "x" * 40, "HS512"),
    "role-escalated-payload": "Bearer " + _escalated(),
    "unknown-role": "Bearer " + jwt.encode(_claims(role="root"), TEST_SECRET, "HS256"),
    "no-subject": "Bearer "
    + jwt.encode({k: v for k, v in _claims().items() if k != "sub"}, TEST_SECRET, "HS256"),
    "no-expiry": "Bearer "
    + jwt.encode({k: v for k, v in _claims().items() if k != "exp"}, TEST_SECRET, "HS256"),
    "huge": "Bearer " + "a" * 9000,
}


@pytest.mark.parametrize("subgraph", ["registry", "linkage"])
@pytest.mark.parametrize("case", list(BAD_AUTHORIZATIONS))
def test_bad_tokens_get_one_and_the_same_401(servers: dict[str, Any], case: str, subgraph: str) -> None:
    value = BAD_AUTHORIZATIONS[case]
    sent = {} if value is None else {"Authorization": value}
    answer = send(servers[subgraph], PERSON if subgraph == "registry" else "{ loadRuns { id } }", sent)
    assert answer.status == 401
    assert answer.body == {"errors": [{"message": "unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]}


DECIDE: Final = (
    'mutation { decideMatch(candidateId: "x", decision: MATCH, expectedVersion: 0) { decision { id } } }'
)
UNMERGE: Final = (
    'mutation { unmerge(personId: "P-0000", sourceRecordIds: ["x"], reason: "r") { decisionsRecorded } }'
)
ENTITY: Final = '_entities(representations: [{__typename: "Person", id: "P-0000"}])'
DENIED: Final = (
    ("app", "registry", '{ neighbourhood(id: "P-0000") { truncated } }'),
    ("app", "registry", '{ paths(from: "P-0000", to: "P-0001") { truncated } }'),
    ("app", "registry", "{ riskSignals { kind } }"),
    ("app", "registry", '{ auditTrail(personId: "P-0000") { totalCount } }'),
    ("app", "linkage", "{ matchCandidates { totalCount } }"),
    ("app", "linkage", '{ matchCandidate(id: "x") { id } }'),
    ("app", "linkage", "{ stewardDecisions { totalCount } }"),
    (
        "app",
        "linkage",
        DECIDE,
    ),
    (
        "app",
        "linkage",
        UNMERGE,
    ),
    (
        "app",
        "linkage",
        f"{{ {ENTITY} {{ ... on Person {{ matchCandidates {{ id }} }} }} }}",
    ),
    ("steward", "registry", '{ neighbourhood(id: "P-0000") { truncated } }'),
    ("steward", "registry", "{ riskSignals { kind } }"),
    ("steward", "registry", '{ auditTrail(personId: "P-0000") { totalCount } }'),
    ("investigator", "registry", '{ auditTrail(personId: "P-0000") { totalCount } }'),
    ("investigator", "linkage", "{ matchCandidates { totalCount } }"),
    (
        "investigator",
        "linkage",
        DECIDE,
    ),
    (
        "investigator",
        "linkage",
        UNMERGE,
    ),
    ("admin", "registry", '{ person(id: "P-0000") { id } }'),
    ("admin", "registry", '{ searchPeople(name: "siti") { totalCount } }'),
    ("admin", "registry", '{ sourceRecord(key: "dukcapil:1") { key } }'),
    (
        "admin",
        "registry",
        f"{{ {ENTITY} {{ ... on Person {{ id }} }} }}",
    ),
    ("admin", "registry", '{ neighbourhood(id: "P-0000") { truncated } }'),
    ("admin", "linkage", "{ matchCandidates { totalCount } }"),
    (
        "admin",
        "linkage",
        DECIDE,
    ),
)


@pytest.mark.parametrize(
    ("role", "subgraph", "document"), DENIED, ids=[f"{d[0]}-{d[2][:40]}" for d in DENIED]
)
def test_no_role_reaches_beyond_its_capabilities(
    servers: dict[str, Any], role: str, subgraph: str, document: str
) -> None:
    # A purpose does not widen a role: it only unmasks identifiers for investigators.
    answer = send(servers[subgraph], document, headers(role, purpose="CASE-2026-0001"))
    assert_clean(answer)
    assert answer.codes == {"FORBIDDEN"}, answer.text
    message = answer.errors[0]["message"]
    assert message.startswith(f"role '{role}' may not") and "it needs role" in message
    data = answer.body.get("data")
    assert data is None or all(value in (None, [None]) for value in data.values())  # [None]: _entities


PERSON_IDENTIFIERS: Final = "nik kkNumber phone passportNumber motherName address"
LEAK_QUERIES: Final = (
    (
        "app",
        "registry",
        f"""{{ a: person(id: "P-0000") {{ {PERSON_IDENTIFIERS} provenance {{ field value }}
          sourceRecords {{ values {{ field value raw }} }} family {{ relative {{ nik phone }} }}
          complaints {{ text filer {{ nik }} }} }}
          b: _entities(representations: [{{__typename: "Person", id: "P-0001"}}])
          {{ ... on Person {{ {PERSON_IDENTIFIERS} }} }} }}""",
    ),
    (
        "app",
        "registry",
        f'{{ searchPeople(name: "siti", first: 50) {{ edges {{ node {{ person {{ {PERSON_IDENTIFIERS} }} '
        "}} }} }} }}",
    ),
    (
        "steward",
        "registry",
        f"""{{ sourceRecord(key: "dukcapil:1") {{ values {{ field value raw }} }}
          person(id: "P-0002") {{ {PERSON_IDENTIFIERS} }} }}""",
    ),
    (
        "investigator",
        "registry",
        """{ neighbourhood(id: "P-0000", hops: 3) { nodes { id caption properties }
          edges { source target properties } }
          riskSignals(minWorkers: 2, minRegencies: 1) { subjectId subjectName detail }
          person(id: "P-0003") { nik phone } }""",
    ),
    (
        "investigator",
        "registry",
        '{ paths(from: "P-0000", to: "P-0002") { nodes { id caption properties } } }',
    ),
    (
        "investigator",
        "registry",
        '{ neighbourhood(id: "Phone:+6281200000099") { nodes { id caption properties } } }',
    ),
    (
        "app",
        "registry",
        '{ person(id: "P-0000") { nik } neighbourhood(id: "P-0000") { truncated } }',
    ),  # + error
    (
        "steward",
        "linkage",
        """{ matchCandidates(first: 50) { edges { node { id left { key } right { key } } } }
          stewardDecisions { edges { node { note steward } } } }""",
    ),
)


@pytest.mark.parametrize(
    ("role", "subgraph", "document"), LEAK_QUERIES, ids=[f"{q[0]}-{n}" for n, q in enumerate(LEAK_QUERIES)]
)
def test_no_full_identifier_leaks_without_an_entitled_role_and_a_purpose(
    servers: dict[str, Any], neo4j_driver: Driver, role: str, subgraph: str, document: str
) -> None:
    secrets = identifier_values(neo4j_driver)
    assert len(secrets) >= 10  # the world has identifiers to leak (NIKs, passports, phones)
    for purpose in (None, "CASE-2026-0001") if role != "investigator" else (None,):
        answer = send(servers[subgraph], document, headers(role, purpose=purpose))
        assert_clean(answer)
        leaked = sorted(s for s in secrets if s in answer.text)
        assert leaked == [], (role, purpose, leaked, answer.text[:1500])


def test_errors_never_echo_a_full_identifier(servers: dict[str, Any], neo4j_driver: Driver) -> None:
    nik = next(s for s in identifier_values(neo4j_driver) if s.isdigit() and len(s) == 16)
    answers = [
        send(
            servers["registry"],
            "query($n: String!) { personByNik(nik: $n) { id } }",
            headers("app"),
            n=nik + "0",
        ),
        send(
            servers["registry"],
            "query($n: String!) { personByPassport(number: $n) { id } }",
            headers("app"),
            n=nik,
        ),
        send(
            servers["registry"],
            "query($n: String!) { searchPeople(name: $n) { totalCount } }",
            headers("app"),
            n=nik,
        ),
        send(
            servers["registry"],
            "query($n: ID!) { neighbourhood(id: $n) { truncated } }",
            headers("app"),
            n=nik,
        ),
        send(
            servers["linkage"],
            "query($n: String) { matchCandidates(after: $n) { totalCount } }",
            headers("steward"),
            n=nik,
        ),
    ]
    for answer in answers:
        assert_clean(answer)
        assert nik not in answer.text, answer.text


def test_a_declared_purpose_must_follow_the_rule(servers: dict[str, Any]) -> None:
    for purpose in ("curious", "CASE-2026-1; DROP", "LTSA/", "x" * 100):
        answer = send(servers["registry"], PERSON, headers("investigator", purpose=purpose))
        assert answer.status == 400 and answer.codes == {"BAD_PURPOSE"}


def test_each_subject_is_rate_limited_with_retry_after(world: World, neo4j_settings: Neo4jSettings) -> None:
    with running_subgraph(neo4j_settings.uri, "registry", LTSA_RATE_LIMIT="0.2", LTSA_RATE_BURST="5") as base:
        url = f"{base}/graphql"
        rina = headers("app", sub="rina")
        statuses = [
            httpx.post(url, json={"query": PERSON}, headers=rina, timeout=60).status_code for _ in range(6)
        ]
        assert statuses[:5] == [200] * 5 and statuses[5] == 429
        limited = httpx.post(url, json={"query": PERSON}, headers=rina, timeout=60)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        other = httpx.post(url, json={"query": PERSON}, headers=headers("app", sub="budi"), timeout=60)
        assert other.status_code == 200
        assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200


def test_the_graph_is_unchanged_after_every_probe(servers: dict[str, Any], neo4j_driver: Driver) -> None:
    assert fingerprint(neo4j_driver) == servers["before"]
