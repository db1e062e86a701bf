"""The ASGI application: health endpoints now; GraphQL and pages are mounted here as they arrive.

One async Neo4j driver per process, created at start-up and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import neo4j
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph.connection import Neo4jSettings, async_driver


async def neo4j_status(driver: neo4j.AsyncDriver, timeout_s: float) -> tuple[bool, str]:
    """(connected, detail) — bounded in time so a dead database never hangs a health probe."""
    try:
        await asyncio.wait_for(driver.verify_connectivity(), timeout_s)
    except (TimeoutError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
        return False, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return True, "ok"


def create_app(settings: Neo4jSettings | None = None) -> Starlette:
    settings = settings or Neo4jSettings.from_env()

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
            {"status": "ok", "neo4j": {"connected": connected, "uri": settings.uri, "detail": detail}}
        )

    async def readyz(request: Request) -> JSONResponse:
        connected, detail = await neo4j_status(request.app.state.driver, settings.connect_timeout_s)
        body = {"ready": connected, "neo4j": {"connected": connected, "detail": detail}}
        return JSONResponse(body, status_code=200 if connected else 503)

    return Starlette(
        routes=[Route("/healthz", healthz), Route("/readyz", readyz)],
        lifespan=lifespan,
    )
