"""Read coalescing in a mix of query kinds: the figures behind gateway/coalesce.py's hold-back and cap.

Runs the registry subgraph's part of the benchmark mix (a person with family and placements, a name
search, a 2-hop neighbourhood; round robin) in-process through the ASGI app (httpx's ASGI transport,
so the client shares the process) against a fresh embedded Neo4j, with the read coalescer set three
ways, each taking its turn in each round:

- ``end of turn, cap 4``: each batch sent at the end of its turn of the event loop (the gateway
  before hold-back; the peer of this run);
- ``hold ≤10 ms, cap 8``: a read waits for the running statement of its kind, at most 10 ms;
- ``hold ≤50 ms, cap 4``: at most 50 ms, at most 4 items per statement;
- ``hold ≤50 ms, cap 8``: the gateway now (``ReadCoalescer()``'s defaults).

Per setting: CPU per request (client included), items per statement, requests/s, p50 and p99.

    .venv/bin/python benchmarks/coalescing_in_mix.py --workers 5000 --requests 4000 --clients 10
    .venv/bin/python benchmarks/coalescing_in_mix.py --workers 5000 --requests 4000 --clients 50
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

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
from gateway.app import create_app  # noqa: E402
from gateway.coalesce import ReadCoalescer  # noqa: E402
from graph.connection import Neo4jSettings  # noqa: E402
from tests.auth_tokens import auth_settings  # noqa: E402
from tests.gateway_world import World  # noqa: E402

SETTINGS: tuple[tuple[str, bool, int, float], ...] = (
    ("end of turn, cap 4", False, 4, 0.0),
    ("hold ≤10 ms, cap 8", True, 8, 0.010),
    ("hold ≤50 ms, cap 4", True, 4, 0.050),
    ("hold ≤50 ms, cap 8", True, 8, 0.050),
)


@dataclass
class Figures:
    requests: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    statements: int = 0
    items: int = 0
    latencies: list[float] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def run_setting(
    uri: str,
    world: World,
    coalescer: ReadCoalescer,
    requests: int,
    clients: int,
    offset: int,
    figures: Figures,
) -> None:
    app = create_app(Neo4jSettings.from_env(uri=uri), "registry", auth_settings())
    graphql_endpoint(app).coalescer = coalescer
    async with app.router.lifespan_context(app), client_of(app) as client:
        await send_mix(client, world, clients * 20, clients, offset)  # connections open, documents cached
        sent, asked = coalescer.figures.statements, coalescer.figures.items
        cpu, wall = cpu_now(), time.perf_counter()
        await send_mix(client, world, requests, clients, offset, figures.latencies)
        figures.wall_s += time.perf_counter() - wall
        figures.cpu_s += cpu_now() - cpu
        figures.statements += coalescer.figures.statements - sent
        figures.items += coalescer.figures.items - asked
        figures.requests += requests


def main() -> None:
    args = mix_arguments(__doc__, requests=4000, clients=10)
    figures = {name: Figures() for name, *_ in SETTINGS}
    with fresh_graph(args.workers) as (world, uri):
        # Untimed: a fresh Neo4j JVM compiles for its first few thousand statements.
        asyncio.run(run_setting(uri, world, ReadCoalescer(), 3000, args.clients, 0, Figures()))
        for (name, hold_back, cap, max_hold_s), offset in turns(SETTINGS, args.rounds, world):
            coalescer = ReadCoalescer(max_batch=cap, hold_back=hold_back, max_hold_s=max_hold_s)
            asyncio.run(
                run_setting(uri, world, coalescer, args.requests, args.clients, offset, figures[name])
            )

    first = figures[SETTINGS[0][0]]
    print(
        f"{'setting':20s} {'CPU ms/req':>10s} {'vs first':>8s} {'items/stmt':>10s} {'req/s':>8s} "
        f"{'vs first':>8s} {'p50 ms':>7s} {'p99 ms':>7s}"
    )
    for name, *_ in SETTINGS:
        f = figures[name]
        cpu, first_cpu = 1000 * f.cpu_s / f.requests, 1000 * first.cpu_s / first.requests
        rate, first_rate = f.requests / f.wall_s, first.requests / first.wall_s
        print(
            f"{name:20s} {cpu:10.3f} {cpu / first_cpu:8.2f} "
            f"{f.items / max(1, f.statements):10.2f} {rate:8.1f} {rate / first_rate:8.2f} "
            f"{f.percentile(0.5):7.1f} {f.percentile(0.99):7.1f}"
        )
    print(
        f"{args.workers} workers, {args.clients} clients, {args.requests} requests × {args.rounds} rounds "
        "per setting; the client (httpx) runs in the same process"
    )


if __name__ == "__main__":
    main()
