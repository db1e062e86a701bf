"""The ASGI application of one or more subgraphs: GraphQL, ``/healthz``, ``/readyz``, ``/metrics``.

Each subgraph it serves answers at ``/<subgraph>/graphql``; ``/graphql`` is the first one named (the
only one, as usually deployed). Serving both subgraphs in one process is for a small box: on two cores
the benchmark mix at one client went from 0.76-0.81 of the peer's throughput apart to 0.95-1.07, as
alternating between two idle Python processes had left each cold (docs/benchmarks.md, ninth session).
They still deploy apart as well: the router sees two subgraph URLs either way.

One async Neo4j driver per process (writes, readiness) and one Bolt read client (``gateway.bolt``, for
reads on a plain ``bolt://`` URI), created at start-up and closed at shutdown. Configuration comes
from the environment: ``NEO4J_*`` (graph.connection), ``LTSA_READ_CLIENT`` (bolt | driver),
``LTSA_SUBGRAPH`` (registry | linkage, or both comma-separated; default registry), ``LTSA_ENV``
(production switches GraphiQL off) and the observability variables (``LTSA_METRICS``,
``LTSA_LOG_FORMAT``, … — gateway.observability.settings).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
from collections.abc import AsyncIterator, Sequence
from typing import Final

import neo4j
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph.connection import Neo4jSettings, async_driver

from .auth.middleware import is_health_path
from .auth.settings import AuthSettings
from .auth.verify import TokenVerifier
from .bolt import BoltReader, Credentials, lean_address
from .coalesce import ReadCoalescer
from .graphql_app import GatewayGraphQL
from .observability.log_format import adopt_server_loggers
from .observability.wiring import Observability
from .pages import is_public_path, page_routes
from .schema.build import SUBGRAPHS, Subgraph, build_schema
from .security.stack import SecuritySettings, guard_middleware

YOUNG_COLLECTION_THRESHOLD: Final = 10_000  # allocations between collections of the youngest generation


async def neo4j_status(driver: neo4j.AsyncDriver, timeout_s: float) -> tuple[bool, str]:
    """(connected, detail) — bounded in time so a dead database never hangs a health probe."""
    try:
        await asyncio.wait_for(driver.verify_connectivity(), timeout_s)
    except (TimeoutError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
        return False, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return True, "ok"


def read_client(settings: Neo4jSettings, env: dict[str, str] | None = None) -> BoltReader | None:
    """The lean Bolt reader for the gateway's reads (``gateway.bolt``), or None: the driver reads.

    ``LTSA_READ_CLIENT``: ``bolt`` (default) uses it when ``NEO4J_URI`` is plain ``bolt://``; routing
    and TLS URIs (``neo4j://``, ``bolt+s://``, …) read through the driver, which implements them.
    ``driver`` always reads through the driver."""
    choice = (os.environ if env is None else env).get("LTSA_READ_CLIENT", "bolt").strip() or "bolt"
    if choice not in ("bolt", "driver"):
        raise ValueError(f"LTSA_READ_CLIENT must be bolt or driver, got {choice!r}")
    address = lean_address(settings.uri)
    if choice == "driver" or address is None:
        return None
    return BoltReader(
        *address, Credentials(settings.user, settings.password), connect_timeout_s=settings.connect_timeout_s
    )


def subgraphs_named(names: str) -> tuple[Subgraph, ...]:
    """``registry``, ``linkage`` or both comma-separated (in the order given) as subgraphs."""
    chosen: list[Subgraph] = []
    for name in (part.strip() for part in names.split(",")):
        known = next((s for s in SUBGRAPHS if s == name), None)
        if known is None or known in chosen:
            raise ValueError(f"choose {' or '.join(SUBGRAPHS)}, or both comma-separated; got {names!r}")
        chosen.append(known)
    return tuple(chosen)


def subgraphs_from_env() -> tuple[Subgraph, ...]:
    try:
        return subgraphs_named(os.environ.get("LTSA_SUBGRAPH", "registry"))
    except ValueError as exc:
        raise ValueError(f"LTSA_SUBGRAPH: {exc}") from None


def is_production() -> bool:
    return os.environ.get("LTSA_ENV", "development").strip().lower() == "production"


def _is_open(path: str) -> bool:
    """Paths served without a token: health probes and the static page shells (no data)."""
    return is_health_path(path) or is_public_path(path)


def create_app(
    settings: Neo4jSettings | None = None,
    subgraph: Subgraph | Sequence[Subgraph] | None = None,
    auth: AuthSettings | None = None,
    security: SecuritySettings | None = None,
    observability: Observability | None = None,
) -> Starlette:
    settings = settings or Neo4jSettings.from_env()
    if subgraph is None:
        subgraphs = subgraphs_from_env()
    else:
        subgraphs = (subgraph,) if isinstance(subgraph, str) else tuple(subgraph)
        subgraphs = subgraphs_named(",".join(subgraphs))  # the same check as the environment's
    served = "+".join(subgraphs)
    verifier = TokenVerifier(auth or AuthSettings.from_env())  # no token configuration: no start
    security = security or SecuritySettings.from_env()
    observability = observability or Observability.from_env(service_name=f"satu-atap-{served}")
    observability.configure_logging()  # also installs the identifier scrubbing on the handler
    coalescer = ReadCoalescer()  # one per app: concurrent requests' top-level reads share statements
    endpoints: dict[Subgraph, GatewayGraphQL] = {}
    for name in subgraphs:
        schema = build_schema(name, production=is_production(), security=security)
        observability.instrument(schema)
        endpoints[name] = GatewayGraphQL(
            schema,
            settings.database,
            graphiql=not is_production(),
            observer=observability.cypher_observer,
            read_retry_s=settings.connect_timeout_s,  # the driver's own retry window (graph.connection)
            coalescer=coalescer,
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        adopt_server_loggers()  # uvicorn configured its loggers after create_app; route them through ours
        app.state.driver = async_driver(settings)
        app.state.reader = read_client(settings)
        app.state.coalescer = coalescer  # its figures: statements sent against items asked
        # What start-up built (schema, driver, imported modules: ~120k objects) lives as long as the
        # process, yet every full collection walked it: a ~60 ms pause of every request in flight.
        # Frozen, collections only walk what requests allocate (~1 ms). Thawed at shutdown, so a
        # process that builds many apps (the tests) can still collect the ones it is done with.
        gc.collect()
        gc.freeze()
        # Reference counting frees a finished request (gateway.execution); the collector is for the
        # rare cycle. At the default threshold (700) it still ran every three requests or so, walking
        # every request then in flight: 9% of the registry's CPU at 50 clients. At 10,000 it ran 1/50
        # as often, 2.4% of the CPU, and its longest pause stayed ~27 ms (docs/benchmarks.md).
        thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *thresholds[1:])
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            if app.state.reader is not None:
                await app.state.reader.close()
            await app.state.driver.close()

    async def healthz(request: Request) -> JSONResponse:
        connected, detail = await neo4j_status(request.app.state.driver, settings.connect_timeout_s)
        observability.neo4j_checked(connected)
        return JSONResponse(
            {
                "status": "ok",
                "subgraph": served,
                "neo4j": {"connected": connected, "uri": settings.uri, "detail": detail},
            }
        )

    async def readyz(request: Request) -> JSONResponse:
        connected, detail = await neo4j_status(request.app.state.driver, settings.connect_timeout_s)
        observability.neo4j_checked(connected)
        body = {"ready": connected, "neo4j": {"connected": connected, "detail": detail}}
        return JSONResponse(body, status_code=200 if connected else 503)

    def is_open(path: str) -> bool:
        return _is_open(path) or observability.is_open(path)

    # Route, not Mount: a Mount answers POST /graphql with a redirect to /graphql/.
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", endpoints[subgraphs[0]], methods=["GET", "POST"]),
        *(
            Route(f"/{name}/graphql", endpoint, methods=["GET", "POST"])
            for name, endpoint in endpoints.items()
        ),
        *observability.routes(settings.database),  # /metrics unless LTSA_METRICS=off
        *page_routes(),  # /review, /explore, /coverage, /login (gateway.pages)
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        # Outermost: refused requests are counted, logged and answered with their request id too.
        middleware=[observability.middleware(routes), *guard_middleware(verifier, security, is_open=is_open)],
    )
