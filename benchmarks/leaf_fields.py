"""What graphql-core's general way costs a plain leaf field, against ``gateway.leaf_fields``.

An in-process Strawberry schema answers a list of 200 objects with three stored scalar fields each (id,
name, score: 600 leaf fields), first through Strawberry's own execution context, then through the
gateway's (``GatewayExecutionContext``), in turns; CPU per request and per leaf field. No database and no
HTTP: only the execution the two differ in.

    .venv/bin/python benchmarks/leaf_fields.py --requests 300 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import strawberry

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from gateway.execution import GatewayExecutionContext  # noqa: E402

ITEMS = 200
QUERY = "{ items { id name score } }"
LEAVES = ITEMS * 3


@strawberry.type
class Item:
    id: strawberry.ID
    name: str
    score: float


@strawberry.type
class Query:
    @strawberry.field
    async def items(self) -> list[Item]:
        return [Item(id=strawberry.ID(str(i)), name=f"pekerja {i}", score=i / 3) for i in range(ITEMS)]


async def cpu_per_request(schema: strawberry.Schema, requests: int) -> float:
    for _ in range(20):
        await schema.execute(QUERY)
    started = time.process_time()
    for _ in range(requests):
        result = await schema.execute(QUERY)
        if result.errors:
            raise RuntimeError(result.errors)
    return (time.process_time() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    schemas: dict[str, Any] = {
        "strawberry": strawberry.Schema(query=Query),
        "gateway": strawberry.Schema(query=Query, execution_context_class=GatewayExecutionContext),
    }
    answers = [asyncio.run(schema.execute(QUERY)).data for schema in schemas.values()]
    assert answers[0] == answers[1], "the two execution contexts answer differently"
    figures: dict[str, list[float]] = {name: [] for name in schemas}
    for _ in range(args.rounds):
        for name, schema in schemas.items():
            figures[name].append(asyncio.run(cpu_per_request(schema, args.requests)))
    best = {name: min(values) for name, values in figures.items()}
    for name, value in best.items():
        per_leaf = value / LEAVES
        print(
            f"{name:10} {value:8.0f} µs per request, {per_leaf:.2f} µs per leaf field (best of {args.rounds})"
        )
    saved = (best["strawberry"] - best["gateway"]) / LEAVES
    print(
        f"gateway/strawberry: {best['gateway'] / best['strawberry']:.2f}; {saved:.2f} µs saved per leaf field"
    )


if __name__ == "__main__":
    main()
