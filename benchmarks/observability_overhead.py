"""What observability costs per request: the HTTP observer, the GraphQL operation observer, Cypher timing.

Each row runs the same work with and without our instrumentation, in one event loop, no network and
no database (so the overhead is not hidden in I/O time): the peer is the bare work, and the table
gives ours ÷ bare throughput (1.00 = free). The Cypher row's peer is prometheus_client's own
``Histogram.time()``, what a hand-instrumented runner would pay. The last row is one ``/metrics``
answer with every operation label slot in use.

    .venv/bin/python benchmarks/observability_overhead.py [--rounds 3000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import time
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Message

from gateway.observability.cypher import CypherObserver
from gateway.observability.graphql_observer import operation_observer
from gateway.observability.http_observer import HttpObserver
from gateway.observability.log_format import JsonFormatter, RequestIdFilter
from gateway.observability.metrics import GatewayMetrics
from gateway.observability.tracing import Tracing
from gateway.schema.build import build_schema


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def asgi_call(app: Starlette) -> Callable[[], Awaitable[None]]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/people/P-1",
        "raw_path": b"/people/P-1",
        "query_string": b"",
        "headers": [(b"x-request-id", b"bench-1")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    async def call() -> None:
        await app(dict(scope), receive, send)

    return call


async def per_second(work: Callable[[], Awaitable[object]], rounds: int) -> float:
    for _ in range(min(rounds, 200)):  # warm caches (route compilation, document caches)
        await work()
    start = time.perf_counter()
    for _ in range(rounds):
        await work()
    return rounds / (time.perf_counter() - start)


async def best_of(
    ours: Callable[[], Awaitable[object]], peer: Callable[[], Awaitable[object]], rounds: int, repeats: int
) -> tuple[float, float]:
    """Each side's best rate over ``repeats`` alternating runs: on a shared machine the best run is
    the one least disturbed by other processes, and alternating gives both sides the same luck."""
    ours_best = peer_best = 0.0
    for _ in range(repeats):
        ours_best = max(ours_best, await per_second(ours, rounds))
        peer_best = max(peer_best, await per_second(peer, rounds))
    return ours_best, peer_best


async def measure(rounds: int, repeats: int) -> list[tuple[str, float, str, float]]:
    metrics = GatewayMetrics(max_operations=100)
    routes = [Route("/people/{person_id}", hello)]
    bare_app = Starlette(routes=routes)
    observed_app = Starlette(
        routes=routes, middleware=[Middleware(HttpObserver, metrics=metrics, routes=routes)]
    )
    http_ours, http_bare = await best_of(asgi_call(observed_app), asgi_call(bare_app), rounds, repeats)

    plain = build_schema("registry")
    observed = build_schema("registry")
    observed.extensions = (operation_observer(metrics, Tracing()), *observed.extensions)
    query = "query Typename { __typename }"
    gql_ours, gql_bare = await best_of(
        lambda: observed.execute(query), lambda: plain.execute(query), rounds, repeats
    )

    observer = CypherObserver(metrics)
    histogram = metrics.cypher_duration.labels("read", "ok")

    async def timed_ours() -> None:
        async with observer.statement("read", "bench", "RETURN 1"):
            pass

    async def timed_peer() -> None:
        with histogram.time():
            pass

    cypher_ours, cypher_peer = await best_of(timed_ours, timed_peer, rounds * 10, repeats)

    for n in range(100):
        for outcome in ("ok", "error"):
            label = metrics.operation_names.label(f"Operation{n}")
            metrics.graphql_duration.labels(label, "query", outcome).observe(0.01)
    scrape_start = time.perf_counter()
    scrapes = max(10, rounds // 100)
    for _ in range(scrapes):
        size = len(metrics.exposition().body)
    scrape_rate = scrapes / (time.perf_counter() - scrape_start)
    return [
        ("HTTP: request id + metrics + access line", http_ours, "bare Starlette", http_bare),
        ("GraphQL: operation observer", gql_ours, "bare schema.execute", gql_bare),
        ("Cypher: statement timing (no span)", cypher_ours, "Histogram.time()", cypher_peer),
        (f"/metrics answer ({size // 1024} KiB, 200 op series)", scrape_rate, "-", scrape_rate),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs per row; best kept")
    args = parser.parse_args()
    # The access line is formatted as in production (JSON), written to memory, not a terminal.
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    rows = asyncio.run(measure(args.rounds, args.repeats))
    print(f"{'what':48} {'ours/s':>10} {'peer':22} {'peer/s':>10} {'ours÷peer':>10}")
    for name, ours, peer, theirs in rows:
        print(f"{name:48} {ours:10.0f} {peer:22} {theirs:10.0f} {ours / theirs:10.2f}")


if __name__ == "__main__":
    main()
