"""The browser tests' world: the sample data through the real pipeline into a real Neo4j, both
subgraphs and the federation router under real servers, the built pages, and headless Chromium.

Chromium is Debian's ``chromium`` package (``apt-get install chromium``), driven by Playwright's
Python client; Playwright's own browser download is not used. Each test gets a fresh browser context
(Playwright launches Chromium with a new temporary profile), so no session leaks between tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from gateway.auth.dev_tokens import mint_token
from gateway.auth.principal import Role
from graph.connection import Neo4jSettings
from graph.load import load_linked
from graph.queries.gateway_candidates import load_candidates
from graph.schema import apply_schema
from tests.browser.build import built_pages
from tests.gateway_servers import compose, router_ready, running_router, running_subgraph

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("LTSA_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking switches Chromium keeps calling home, which floods a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECRET = "browser-tests-signing-secret-0123456789"  # HS256 dev tokens, this test run only
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
TABLET: ViewportSize = {"width": 768, "height": 1024}


@dataclass(frozen=True)
class Site:
    pages: str  # base URL serving /review, /explore, /coverage, /login
    graphql: str  # the federation router the pages call

    def ask(self, role: str, sub: str, query: str, **variables: Any) -> dict[str, Any]:
        """A GraphQL call outside the browser (e.g. a second steward) as ``sub`` acting as ``role``."""
        headers = {"authorization": f"Bearer {token_for(role, sub)}"}
        reply = httpx.post(
            self.graphql, json={"query": query, "variables": variables}, headers=headers, timeout=60
        )
        reply.raise_for_status()
        body: dict[str, Any] = reply.json()
        return body


def token_for(role: str, sub: str) -> str:
    return mint_token(SECRET, sub, Role(role), 3600)


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ignore = ARTIFACTS.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")  # test output, never committed
    return ARTIFACTS / name


@pytest.fixture(scope="session")
def sample_linked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/sample through ``ltsa ingest`` and ``ltsa link``: the linked folder."""
    work = tmp_path_factory.mktemp("sample")
    manifest = PROJECT_ROOT / "data" / "sample" / "manifest.toml"
    for args in (
        ["ingest", str(manifest), "--out", str(work / "ingest")],
        ["link", str(work / "ingest" / "canonical.parquet"), "--out", str(work / "linked")],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "ltsa.cli", *args], cwd=PROJECT_ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, f"ltsa {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
    return work / "linked"


@pytest.fixture(scope="package")
def sample_graph(neo4j_driver: Driver, neo4j_settings: Neo4jSettings, sample_linked: Path) -> Driver:
    """The graph wiped, then loaded with the linked sample and its match candidates."""
    neo4j_driver.execute_query("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
    apply_schema(neo4j_driver, neo4j_settings.database)
    load_linked(neo4j_driver, sample_linked, database=neo4j_settings.database)
    load_candidates(neo4j_driver, sample_linked, database=neo4j_settings.database)
    return neo4j_driver


@pytest.fixture(scope="package")
def site(
    sample_graph: Driver, neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    built_pages()
    router_ready()
    auth = {"LTSA_JWT_SECRET": SECRET}
    with (
        running_subgraph(neo4j_settings.uri, "registry", **auth) as registry,
        running_subgraph(neo4j_settings.uri, "linkage", **auth) as linkage,
    ):
        supergraph = tmp_path_factory.mktemp("router") / "supergraph.graphql"
        compose(supergraph, {"registry": f"{registry}/graphql", "linkage": f"{linkage}/graphql"})
        with (
            running_router(supergraph) as router,
            running_subgraph(
                neo4j_settings.uri, "registry", LTSA_GRAPHQL_URL=router, LTSA_DEV_LOGIN="1", **auth
            ) as pages,
        ):
            yield Site(pages=pages, graphql=router)


# Package scope, not session: Playwright's sync API keeps an event loop running in the main thread
# until it stops, which would break every later test that calls asyncio.run().
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is needed at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


OpenPage = Callable[..., Page]


@pytest.fixture()
def open_page(browser: Browser, site: Site) -> Iterator[OpenPage]:
    """``open_page(path, role=…, viewport=…)``: a new context signed in by pasting a token on /login.

    Script errors on any page fail the test: a page that throws has not worked even if it looks right.
    """
    errors: list[str] = []
    contexts = []

    def open_(
        path: str, role: str | None = None, viewport: ViewportSize = DESKTOP, purpose: str = ""
    ) -> Page:
        context = browser.new_context(viewport=viewport, accept_downloads=True, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        if role is not None:
            page.goto(f"{site.pages}/login")
            page.get_by_label("Token (JWT)").fill(token_for(role, f"{role}-in-browser"))
            if purpose:
                page.locator("#purpose").fill(purpose)
            page.get_by_role("button", name="Masuk", exact=True).click()
            page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{site.pages}{path}")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == [], f"script errors on the page: {errors}"
