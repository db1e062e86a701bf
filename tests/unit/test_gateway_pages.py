"""gateway.pages: the built pages, their config, and the development login, over a real ASGI app."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gateway.pages import NOT_BUILT, is_public_path, page_routes

SECRET = "unit-test-signing-secret-0123456789abc"


@pytest.fixture()
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("LTSA_GRAPHQL_URL", "LTSA_DEV_LOGIN", "LTSA_ENV", "LTSA_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LTSA_WEB_DIST", str(tmp_path / "dist"))
    return tmp_path / "dist"


def build(dist: Path) -> None:
    (dist / "assets").mkdir(parents=True)
    for page in ("review", "explore", "coverage", "login"):
        (dist / f"{page}.html").write_text(f"<title>{page}</title>")
    (dist / "assets" / "review.js").write_text("export {};")


def client() -> TestClient:
    return TestClient(Starlette(routes=page_routes()))


def test_unbuilt_pages_say_how_to_build_them(dist: Path) -> None:
    for path in ("/review", "/pages/assets/review.js"):
        reply = client().get(path)
        assert (reply.status_code, reply.text) == (503, NOT_BUILT)


def test_built_pages_and_assets_are_served_with_a_strict_policy(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(dist)
    monkeypatch.setenv("LTSA_GRAPHQL_URL", "http://router.example:4000/graphql")
    for page in ("review", "explore", "coverage", "login"):
        reply = client().get(f"/{page}")
        assert reply.status_code == 200 and reply.text == f"<title>{page}</title>"
        assert reply.headers["content-type"].startswith("text/html")
    policy = client().get("/review").headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "connect-src 'self' http://router.example:4000;" in policy
    script = client().get("/pages/assets/review.js")
    assert script.status_code == 200 and script.text == "export {};"
    assert script.headers["x-content-type-options"] == "nosniff"
    assert client().get("/pages/assets/missing.js").status_code == 404


def test_config_names_the_graphql_endpoint_and_no_dev_login_by_default(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client().get("/pages/config.json").json() == {
        "graphqlUrl": "/graphql",
        "devLogin": False,
        "roles": [],
    }
    assert client().post("/pages/dev-token", json={"role": "admin"}).status_code == 404
    monkeypatch.setenv("LTSA_GRAPHQL_URL", "http://router:4000/graphql")
    assert client().get("/pages/config.json").json()["graphqlUrl"] == "http://router:4000/graphql"


def test_dev_login_mints_a_verifiable_token_for_the_chosen_role(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LTSA_DEV_LOGIN", "1")
    monkeypatch.setenv("LTSA_JWT_SECRET", SECRET)
    config = client().get("/pages/config.json").json()
    assert config["devLogin"] is True and "steward" in config["roles"]
    reply = client().post("/pages/dev-token", json={"role": "steward"})
    claims = jwt.decode(reply.json()["token"], SECRET, algorithms=["HS256"])
    assert (claims["role"], claims["sub"]) == ("steward", "dev-steward")
    refused = client().post("/pages/dev-token", json={"role": "root"})
    assert refused.status_code == 400 and "investigator" in refused.json()["error"]


@pytest.mark.parametrize("missing", ["secret", "flag", "production"])
def test_dev_login_stays_off_without_its_flag_and_secret_and_in_production(
    dist: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    if missing != "flag":
        monkeypatch.setenv("LTSA_DEV_LOGIN", "1")
    if missing != "secret":
        monkeypatch.setenv("LTSA_JWT_SECRET", SECRET)
    if missing == "production":
        monkeypatch.setenv("LTSA_ENV", "production")
    assert client().get("/pages/config.json").json()["devLogin"] is False
    assert client().post("/pages/dev-token", json={"role": "admin"}).status_code == 404


def test_only_page_routes_are_public() -> None:
    assert all(
        is_public_path(p) for p in ("/review", "/login", "/pages/assets/review.js", "/pages/config.json")
    )
    assert not any(is_public_path(p) for p in ("/graphql", "/reviews", "/admin", "/"))
