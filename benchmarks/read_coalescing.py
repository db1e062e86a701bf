"""What a statement costs against what its items cost: the figure behind gateway/coalesce.py.

Sends the gateway's read statements (a person with family and placements; a name search; a 2-hop
neighbourhood) with 1, 2, 4 and 8 items per statement, from a few concurrent tasks, and reports per
item the CPU Neo4j spent and the CPU this process spent (the gateway's side of a read: the driver,
decoding, conversion). Each batch size takes its turn in each round; the last round is the steady
state (a fresh Neo4j JVM is still compiling for the first few thousand statements).

    .venv/bin/python benchmarks/read_coalescing.py --workers 50000 --rounds 5

The graph is the synthetic world of tests/gateway_world.py, bulk loaded into a fresh embedded Neo4j.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.gateway_vs_neo4j_graphql import cpu_seconds, settle  # noqa: E402
from benchmarks.scratch import scratch_dir  # noqa: E402
from gateway.runner import CypherRunner  # noqa: E402
from gateway.schema.topology import CAPTION_PROPERTIES  # noqa: E402
from graph.bulk_import import bulk_load  # noqa: E402
from graph.connection import Neo4jSettings, async_driver  # noqa: E402
from graph.queries import gateway_people as people  # noqa: E402
from graph.queries.gateway_projection import PersonShape, persons_with_parts  # noqa: E402
from graph.queries.neighbourhood import neighbourhoods_async  # noqa: E402
from graph.queries.views import EntityRef  # noqa: E402
from tests.gateway_world import World, write_world  # noqa: E402

SIZES = (1, 2, 4, 8)
PERSON_SHAPE = PersonShape(family=True, relatives=True, placements=True, properties="names")
Send = Callable[[CypherRunner, Sequence[str]], Awaitable[object]]


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def kinds(world: World) -> dict[str, Send]:
    async def person(runner: CypherRunner, ids: Sequence[str]) -> object:
        return await persons_with_parts(runner.read, ids, PERSON_SHAPE)

    async def search(runner: CypherRunner, ids: Sequence[str]) -> object:
        found = [people.NameSearch(tuple(world.name_of[i].split()), None, None, 50) for i in ids]
        return await people.name_searches(runner.read, found, "names")

    async def neighbourhood(runner: CypherRunner, ids: Sequence[str]) -> object:
        refs = [EntityRef("Person", i) for i in ids]
        return await runner.call(neighbourhoods_async, refs, 2, None, 500, CAPTION_PROPERTIES)

    return {"person": person, "search": search, "neighbourhood": neighbourhood}


async def measure(
    runner: CypherRunner, send: Send, ids: list[str], size: int, tasks: int, neo4j: tuple[int, ...]
) -> tuple[float, float]:
    """(Neo4j CPU ms, own CPU ms) per item, ``ids`` sent ``size`` per statement by ``tasks`` tasks."""
    batches = iter([ids[i : i + size] for i in range(0, len(ids), size)])

    async def worker() -> None:
        for batch in batches:
            await send(runner, batch)

    settle(neo4j)
    neo4j_before, own_before = cpu_seconds(neo4j), own_cpu_s()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    items = len(ids)
    return 1000 * (cpu_seconds(neo4j) - neo4j_before) / items, 1000 * (own_cpu_s() - own_before) / items


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=5000, help="synthetic workers (each with a spouse)")
    parser.add_argument("--items", type=int, default=1600, help="items per kind, size and round")
    parser.add_argument("--rounds", type=int, default=4, help="the last one is reported as steady state")
    parser.add_argument("--tasks", type=int, default=4, help="concurrent senders")
    args = parser.parse_args()

    folder = scratch_dir("bench-coalesce-")
    world = write_world(folder, args.workers)
    report, server = bulk_load(folder, scratch_dir("bench-neo4j-"), keep_running=True)
    assert server is not None and server.process is not None
    neo4j = (server.process.pid,)
    ids = world.worker_ids

    async def run() -> None:
        driver = async_driver(Neo4jSettings.from_env(uri=report.uri))
        runner = CypherRunner(driver, "neo4j")
        try:
            for round_ in range(args.rounds):
                for kind, send in kinds(world).items():
                    base: tuple[float, float] | None = None
                    for size in SIZES:
                        start = (round_ * 7919 + size * 131) % len(ids)
                        chosen = [ids[(start + i) % len(ids)] for i in range(args.items)]
                        cost = await measure(runner, send, chosen, size, args.tasks, neo4j)
                        base = base or cost
                        print(
                            f"round {round_ + 1}  {kind:13s} {size} per statement: "
                            f"Neo4j {cost[0]:.3f} ms/item ({cost[0] / base[0]:.2f}× one per statement), "
                            f"gateway side {cost[1]:.3f} ms/item ({cost[1] / base[1]:.2f}×)",
                            flush=True,
                        )
        finally:
            await driver.close()

    started = time.perf_counter()
    try:
        asyncio.run(run())
    finally:
        server.stop()
    print(f"{args.workers} workers, {args.tasks} tasks, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
