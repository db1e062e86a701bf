"""The ASGI application of one subgraph: GraphQL at ``/graphql``, ``/healthz`` and ``/readyz``.

One async Neo4j driver per process, created at start-up and closed at shutdown. Configuration comes
from the environment: ``NEO4J_*`` (graph.connection), ``LTSA_SUBGRAPH`` (registry | linkage, default
registry) and ``LTSA_ENV`` (production switches GraphiQL off).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

import neo4j
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph.connection import Neo4jSettings, async_driver

from .auth.middleware import is_health_path
from .auth.settings import AuthSettings
from .auth.verify import TokenVerifier
from .graphql_app import GatewayGraphQL
from .pages import is_public_path, page_routes
from .privacy.log_filter import install_scrubbing
from .schema.build import SUBGRAPHS, Subgraph, build_schema
from .security.stack import SecuritySettings, guard_middleware


async def neo4j_status(driver: neo4j.AsyncDriver, timeout_s: float) -> tuple[bool, str]:
    """(connected, detail) — bounded in time so a dead database never hangs a health probe."""
    try:
        await asyncio.wait_for(driver.verify_connectivity(), timeout_s)
    except (TimeoutError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
        return False, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return True, "ok"


def subgraph_from_env() -> Subgraph:
    name = os.environ.get("LTSA_SUBGRAPH", "registry")
    for known in SUBGRAPHS:
        if name == known:
            return known
    raise ValueError(f"LTSA_SUBGRAPH must be one of {', '.join(SUBGRAPHS)}, got {name!r}")


def is_production() -> bool:
    return os.environ.get("LTSA_ENV", "development").strip().lower() == "production"


def _is_open(path: str) -> bool:
    """Paths served without a token: health probes and the static page shells (no data)."""
    return is_health_path(path) or is_public_path(path)


def create_app(
    settings: Neo4jSettings | None = None,
    subgraph: Subgraph | None = None,
    auth: AuthSettings | None = None,
    security: SecuritySettings | None = None,
) -> Starlette:
    settings = settings or Neo4jSettings.from_env()
    subgraph = subgraph or subgraph_from_env()
    verifier = TokenVerifier(auth or AuthSettings.from_env())  # no token configuration: no start
    security = security or SecuritySettings.from_env()
    install_scrubbing()
    schema = build_schema(subgraph, production=is_production(), security=security)
    graphql = GatewayGraphQL(schema, settings.database, graphiql=not is_production())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.driver = async_driver(settings)
        try:
            yield
        finally:
            await app.state.driver.close()

    async def healthz(request: Request) -> JSONResponse:
        connected, detail = await neo4j_status(request.app.state.driver, settings.connect_timeout_s)
        return JSONResponse(
            {
                "status": "ok",
                "subgraph": subgraph,
                "neo4j": {"connected": connected, "uri": settings.uri, "detail": detail},
            }
        )

    async def readyz(request: Request) -> JSONResponse:
        connected, detail = await neo4j_status(request.app.state.driver, settings.connect_timeout_s)
        body = {"ready": connected, "neo4j": {"connected": connected, "detail": detail}}
        return JSONResponse(body, status_code=200 if connected else 503)

    # Route, not Mount: a Mount answers POST /graphql with a redirect to /graphql/.
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *page_routes(),  # /review, /explore, /coverage, /login (gateway.pages)
        ],
        lifespan=lifespan,
        middleware=guard_middleware(verifier, security, is_open=_is_open),
    )
