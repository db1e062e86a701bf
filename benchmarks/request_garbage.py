"""What Python's cyclic collector costs the gateway per request: the figure behind gateway/execution.py.

Runs the registry subgraph's part of the benchmark mix (a person with family and placements, a name
search, a 2-hop neighbourhood) in-process through the ASGI app (httpx's ASGI transport, so the client
shares the process) against a fresh embedded Neo4j, in three configurations, each taking its turn in
each round:

- ``graphql-core cycle, gc 700``: strawberry's execution context (a reference cycle per request) and
  Python's default collection threshold — the gateway before this change, the peer of this run;
- ``acyclic, gc 700``: ``AcyclicExecutionContext`` alone;
- ``acyclic, gc 10000``: with the app's ``YOUNG_COLLECTION_THRESHOLD`` too — the gateway now.

Per configuration: objects per request left for the collector (counted in a pass with the collector
off), collections per 1,000 requests, the collector's share of the process's CPU, its longest pause,
and CPU per request; with ratios to the first configuration.

    .venv/bin/python benchmarks/request_garbage.py --workers 5000 --requests 3000 --clients 50
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.in_process_mix import (  # noqa: E402
    client_of,
    cpu_now,
    fresh_graph,
    graphql_endpoint,
    mix_arguments,
    send_mix,
    turns,
)
from gateway.app import YOUNG_COLLECTION_THRESHOLD, create_app  # noqa: E402
from gateway.execution import AcyclicExecutionContext  # noqa: E402
from gateway.schema.build import GatewaySchema  # noqa: E402
from graph.connection import Neo4jSettings  # noqa: E402
from tests.auth_tokens import auth_settings  # noqa: E402
from tests.gateway_world import World  # noqa: E402

CONFIGURATIONS: tuple[tuple[str, type[StrawberryGraphQLCoreExecutionContext], int], ...] = (
    ("graphql-core cycle, gc 700", StrawberryGraphQLCoreExecutionContext, 700),
    ("acyclic, gc 700", AcyclicExecutionContext, 700),
    (f"acyclic, gc {YOUNG_COLLECTION_THRESHOLD}", AcyclicExecutionContext, YOUNG_COLLECTION_THRESHOLD),
)


@dataclass
class Figures:
    requests: int = 0
    cpu_s: float = 0.0
    collections: int = 0
    collecting_s: float = 0.0
    longest_pause_s: float = 0.0
    garbage_per_request: list[float] = field(default_factory=list)

    def add_pause(self, seconds: float) -> None:
        self.collections += 1
        self.collecting_s += seconds
        self.longest_pause_s = max(self.longest_pause_s, seconds)


async def run_configuration(
    uri: str,
    world: World,
    execution_context: type[StrawberryGraphQLCoreExecutionContext],
    threshold: int,
    requests: int,
    clients: int,
    offset: int,
    figures: Figures,
) -> None:
    app = create_app(Neo4jSettings.from_env(uri=uri), "registry", auth_settings())
    schema = graphql_endpoint(app).schema
    assert isinstance(schema, GatewaySchema)
    schema.execution_context_class = execution_context
    async with app.router.lifespan_context(app), client_of(app) as client:
        gc.set_threshold(threshold, *gc.get_threshold()[1:])  # after the app's start-up set its own
        await send_mix(client, world, clients * 3, clients, offset)  # connections open, documents cached
        # Objects left for the collector: a pass with it switched off, then one collection.
        gc.collect()
        gc.disable()
        try:
            await send_mix(client, world, clients * 3, clients, offset)
        finally:
            left = gc.collect()
            gc.enable()
        figures.garbage_per_request.append(left / (clients * 3))

        started: list[float] = []

        def timed(phase: str, info: dict[str, Any]) -> None:
            if phase == "start":
                started.append(time.perf_counter())
            elif started:
                figures.add_pause(time.perf_counter() - started.pop())

        gc.collect()
        gc.callbacks.append(timed)
        cpu = cpu_now()
        try:
            await send_mix(client, world, requests, clients, offset)
        finally:
            figures.cpu_s += cpu_now() - cpu
            gc.callbacks.remove(timed)
        figures.requests += requests


def main() -> None:
    args = mix_arguments(__doc__, requests=3000, clients=50)
    figures = {name: Figures() for name, _, _ in CONFIGURATIONS}
    default_threshold = gc.get_threshold()
    with fresh_graph(args.workers) as (world, uri):
        # Untimed: a fresh Neo4j JVM compiles for its first few thousand statements.
        asyncio.run(run_configuration(uri, world, AcyclicExecutionContext, 700, 3000, 10, 0, Figures()))
        for (name, context, threshold), offset in turns(CONFIGURATIONS, args.rounds, world):
            figure = figures[name]
            asyncio.run(
                run_configuration(uri, world, context, threshold, args.requests, args.clients, offset, figure)
            )
            gc.set_threshold(*default_threshold)

    first = figures[CONFIGURATIONS[0][0]]
    print(
        f"{'configuration':28s} {'garbage/req':>11s} {'collections/1k req':>18s} "
        f"{'collector % CPU':>15s} {'longest pause ms':>16s} {'CPU ms/req':>10s} {'vs first':>8s}"
    )
    for name, _, _ in CONFIGURATIONS:
        f = figures[name]
        garbage = sum(f.garbage_per_request) / len(f.garbage_per_request)
        cpu_per_request = 1000 * f.cpu_s / f.requests
        print(
            f"{name:28s} {garbage:11.1f} {1000 * f.collections / f.requests:18.1f} "
            f"{100 * f.collecting_s / f.cpu_s:15.1f} {1000 * f.longest_pause_s:16.1f} "
            f"{cpu_per_request:10.3f} {cpu_per_request / (1000 * first.cpu_s / first.requests):8.2f}"
        )
    print(
        f"{args.workers} workers, {args.clients} clients, {args.requests} requests × {args.rounds} rounds "
        "per configuration; the client (httpx) runs in the same process"
    )


if __name__ == "__main__":
    main()
