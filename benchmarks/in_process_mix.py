"""The registry subgraph's part of the benchmark mix, sent in-process through the ASGI app.

Shared by ``request_garbage.py`` and ``coalescing_in_mix.py``: a fresh embedded Neo4j with the synthetic
world, and clients sending a person with family and placements, a name search and a 2-hop neighbourhood
round robin through httpx's ASGI transport (so the client shares the process and its CPU is counted).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
from starlette.applications import Starlette

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.gateway_vs_neo4j_graphql import GATEWAY_QUERIES, UNLIMITED_RATE, variables  # noqa: E402
from benchmarks.scratch import scratch_dir  # noqa: E402
from gateway.graphql_app import GatewayGraphQL  # noqa: E402
from graph.bulk_import import bulk_load  # noqa: E402
from tests.auth_tokens import headers  # noqa: E402
from tests.gateway_world import World, write_world  # noqa: E402

Setting = TypeVar("Setting")
KINDS = ("person", "search", "neighbourhood")
ROLE = {"person": "app", "search": "app", "neighbourhood": "investigator"}  # the least role each needs


def mix_arguments(doc: str | None, *, requests: int, clients: int) -> argparse.Namespace:
    """``--workers``, ``--requests``, ``--clients`` and ``--rounds`` from the command line."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=5000, help="synthetic workers (each with a spouse)")
    parser.add_argument("--requests", type=int, default=requests, help="timed requests per setting and round")
    parser.add_argument("--clients", type=int, default=clients, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=2, help="turns per setting")
    return parser.parse_args()


def turns(settings: Sequence[Setting], rounds: int, world: World) -> Iterator[tuple[Setting, int]]:
    """(setting, offset into the workers): each setting once per round, the order reversed from one round
    to the next (a shared box's load drifts), each round on other workers."""
    for round_ in range(rounds):
        order = settings if round_ % 2 == 0 else tuple(reversed(settings))
        for setting in order:
            yield setting, (round_ * 7919) % len(world.worker_ids)


def cpu_now() -> float:
    """User + system CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def fresh_graph(workers: int) -> Iterator[tuple[World, str]]:
    """(world, bolt uri): the synthetic world bulk loaded into a fresh embedded Neo4j, stopped after."""
    os.environ.update({"LTSA_ENV": "production", **UNLIMITED_RATE})
    folder = scratch_dir("bench-world-")
    world = write_world(folder, workers)
    report, server = bulk_load(folder, scratch_dir("bench-neo4j-"), keep_running=True)
    assert server is not None
    try:
        yield world, report.uri
    finally:
        server.stop()


def graphql_endpoint(app: Starlette) -> GatewayGraphQL:
    for route in app.routes:
        endpoint = getattr(route, "endpoint", None)
        if getattr(route, "path", None) == "/graphql" and isinstance(endpoint, GatewayGraphQL):
            return endpoint
    raise LookupError("no /graphql route")


def client_of(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def send_mix(
    client: httpx.AsyncClient,
    world: World,
    count: int,
    clients: int,
    offset: int = 0,
    latencies: list[float] | None = None,
) -> None:
    """``count`` requests of the mix from ``clients`` concurrent clients, each failing loudly on an error;
    each one's seconds appended to ``latencies`` when given."""
    numbers = iter(range(count))

    async def one_client() -> None:
        for i in numbers:
            kind = KINDS[i % len(KINDS)]
            body = {"query": GATEWAY_QUERIES[kind], "variables": variables(kind, offset + i, world)}
            started = time.perf_counter()
            response = await client.post("/graphql", json=body, headers=headers(ROLE[kind]))
            assert response.status_code == 200 and b'"errors"' not in response.content, response.text
            if latencies is not None:
                latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(one_client() for _ in range(clients)))
