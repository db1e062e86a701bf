"""The ASGI guard in front of GraphQL: body size (413), token (401), purpose (400), rate (429)."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from gateway.auth.middleware import principal_of
from gateway.auth.principal import InvalidPurpose, parse_purpose
from gateway.auth.verify import TokenVerifier
from gateway.security.rate_limit import RateLimiter
from gateway.security.stack import SecuritySettings, guard_middleware
from tests.auth_tokens import TEST_SECRET, auth_settings, headers, token


async def whoami(request: Request) -> JSONResponse:
    principal = principal_of(request)
    body = await request.body()
    if principal is None:
        return JSONResponse({"principal": None})
    return JSONResponse(
        {"sub": principal.sub, "role": principal.role.value, "purpose": principal.purpose, "bytes": len(body)}
    )


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def client(**settings: float) -> TestClient:
    security = SecuritySettings(**settings)  # type: ignore[arg-type]
    app = Starlette(
        routes=[Route("/healthz", healthz), Route("/graphql", whoami, methods=["GET", "POST"])],
        middleware=guard_middleware(TokenVerifier(auth_settings()), security),
    )
    return TestClient(app)


@pytest.fixture()
def guarded() -> Iterator[TestClient]:
    with client(max_body_bytes=1024) as test_client:
        yield test_client


def test_a_valid_token_reaches_the_app_with_its_principal(guarded: TestClient) -> None:
    answer = guarded.post("/graphql", headers=headers("steward", sub="ana"), content=b"{}")
    assert answer.status_code == 200
    assert answer.json() == {"sub": "ana", "role": "steward", "purpose": None, "bytes": 2}


def test_health_probes_need_no_token(guarded: TestClient) -> None:
    assert guarded.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        "Token " + "x",
        "Bearer " + jwt.encode({"sub": "a", "role": "admin"}, TEST_SECRET, algorithm="HS256"),  # no exp/iat
        "Bearer " + token("admin", ttl_s=1)[:-4] + "AAAA",  # signature tampered
    ],
)
def test_every_bad_token_gets_the_same_401(guarded: TestClient, authorization: str | None) -> None:
    sent = {} if authorization is None else {"Authorization": authorization}
    answer = guarded.post("/graphql", headers=sent, content=b"{}")
    assert answer.status_code == 401
    assert answer.json() == {
        "errors": [{"message": "unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]
    }
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_declared_purpose_is_carried_and_a_malformed_one_refused(guarded: TestClient) -> None:
    ok = guarded.post("/graphql", headers=headers("investigator", purpose="CASE-2026-0001"))
    assert ok.json()["purpose"] == "CASE-2026-0001"
    bad = guarded.post("/graphql", headers=headers("investigator", purpose="because I want to"))
    assert bad.status_code == 400 and "CASE-2026-0001" in bad.json()["errors"][0]["message"]


@pytest.mark.parametrize("purpose", ["CASE-2026-0001", "CASE-2031-123456", "LTSA/3201/2026-014", "LTSA/JKT"])
def test_purposes_that_follow_the_rule(purpose: str) -> None:
    assert parse_purpose(f"  {purpose} ") == purpose


@pytest.mark.parametrize(
    "purpose",
    [
        "CASE-26-1",
        "case-2026-0001",
        "CASE-2026-0001; DROP",
        "LTSA/",
        "LTSA//X",
        "LTSA/a/b",
        "x" * 65,
        "LTSA/" + "/".join(["A"] * 5),
        "CASE-2026-0001 x",
        "ＣＡＳＥ-2026-0001",
    ],
)
def test_purposes_that_do_not(purpose: str) -> None:
    with pytest.raises(InvalidPurpose):
        parse_purpose(purpose)


def test_bodies_over_the_limit_are_refused_with_413(guarded: TestClient) -> None:
    auth = headers("app")
    assert guarded.post("/graphql", headers=auth, content=b"x" * 1024).status_code == 200
    declared = guarded.post("/graphql", headers=auth, content=b"x" * 1025)
    assert (
        declared.status_code == 413
        and declared.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for _ in range(5):
            yield b"y" * 300

    assert guarded.post("/graphql", headers=auth, content=chunks()).status_code == 413
    small = guarded.post("/graphql", headers=auth, content=iter([b"a" * 10, b"b" * 10]))
    assert small.status_code == 200 and small.json()["bytes"] == 20


def test_the_body_limit_applies_before_the_token_check(guarded: TestClient) -> None:
    assert guarded.post("/graphql", content=b"x" * 5000).status_code == 413


def test_each_subject_has_its_own_bucket_and_429_says_when_to_retry() -> None:
    with client(rate_per_s=0.5, burst=3) as limited:
        rina = headers("investigator", sub="rina")
        assert [limited.post("/graphql", headers=rina).status_code for _ in range(3)] == [200] * 3
        refused = limited.post("/graphql", headers=rina)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert limited.post("/graphql", headers=headers("app", sub="other")).status_code == 200
        assert limited.get("/healthz").status_code == 200  # probes are not counted


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_bucket_refills_at_the_configured_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=2, clock=clock)
    assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.take("a") == 0.0
    clock.now += 10  # never more than the burst
    assert [limiter.take("a") for _ in range(3)][-1] > 0


def test_idle_subjects_are_forgotten_when_the_table_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gateway.security.rate_limit.MAX_TRACKED_SUBJECTS", 3)
    clock = Clock()
    limiter = RateLimiter(rate=1.0, burst=1, clock=clock)
    for subject in "abc":
        limiter.take(subject)
    clock.now += 5  # a, b, c have refilled
    limiter.take("d")
    assert set(limiter._buckets) == {"d"}


def test_only_a_browser_fetching_the_ide_page_passes_without_a_token(guarded: TestClient) -> None:
    html = {"Accept": "text/html"}
    assert guarded.get("/graphql", headers=html).json() == {"principal": None}
    assert guarded.get("/graphql?query={__typename}", headers=html).status_code == 401
    assert guarded.get("/graphql").status_code == 401
    assert guarded.post("/graphql", headers=html, content=b"{}").status_code == 401
