"""The gateway's fixed cost per request: CPU for a query that touches no data, ``{ __typename }``.

Everything a request pays before and after its resolvers — HTTP, the middleware (request id, body
limit, auth, rate limit), Strawberry's view and extension hooks, validation, the access log line — is
in this figure; the mix of ``gateway_vs_neo4j_graphql.py`` adds Neo4j and the resolvers on top. The
server runs as ``ltsa serve`` runs one process (uvicorn with ``gateway.http_protocol``, production
settings), but started with uvicorn's command line: there is no database behind it (the query reads
none), and ``ltsa serve`` would first apply the schema to one. N clients
on keep-alive connections send the query as the ``app`` role. With ``--baseline-root`` a server from
another source tree (``git archive <rev> | tar -x -C /tmp/before``) takes turns with this one.

    .venv/bin/python benchmarks/request_floor.py --clients 10 --rounds 2 --baseline-root /tmp/before
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.gateway_vs_neo4j_graphql import UNLIMITED_RATE, cpu_seconds, process  # noqa: E402
from benchmarks.http_load import Connection  # noqa: E402
from graph.local_server import free_port  # noqa: E402
from tests.auth_tokens import AUTH_ENV, headers  # noqa: E402

NO_DATABASE = "bolt://127.0.0.1:1"  # nothing listens there; the query never asks
QUERY = {"query": "{ __typename }"}


def gateway(root: Path) -> tuple[str, Any]:
    """The registry subgraph from source tree ``root``, one process, no database; (URL, server)."""
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "gateway.app:create_app", "--port", str(port)]
    cmd += ["--log-level", "warning"]
    if (root / "gateway" / "http_protocol.py").exists():  # as ltsa serve (a baseline may predate it)
        cmd += ["--http", "gateway.http_protocol:WholeResponses"]
    env = {"NEO4J_URI": NO_DATABASE, "LTSA_SUBGRAPH": "registry", "LTSA_ENV": "production", **AUTH_ENV}
    url = f"http://127.0.0.1:{port}"
    return url, process(cmd, env | UNLIMITED_RATE, root, f"{url}/healthz")


async def drive(url: str, pid: int, clients: int, requests: int) -> tuple[float, float]:
    """(requests/s, server CPU ms per request) for ``requests`` sent by ``clients`` connections."""
    token = headers("app")
    connections = [Connection(f"{url}/graphql") for _ in range(clients)]
    numbers = iter(range(requests))

    async def client(connection: Connection) -> None:
        for _ in numbers:
            response = await connection.post(QUERY, token)
            if response.status != 200 or b'"errors"' in response.body:
                raise RuntimeError(f"unexpected answer {response.status}: {response.text[:200]}")

    for connection in connections:  # connect and warm each one
        await client_once(connection, token)
    cpu, started = cpu_seconds((pid,)), time.perf_counter()
    await asyncio.gather(*(client(c) for c in connections))
    elapsed, used = time.perf_counter() - started, cpu_seconds((pid,)) - cpu
    for connection in connections:
        await connection.close()
    return requests / elapsed, used / requests * 1000


async def client_once(connection: Connection, token: dict[str, str]) -> None:
    for _ in range(50):
        await connection.post(QUERY, token)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline-root", type=Path, help="also a gateway from this tree, in turns")
    args = parser.parse_args()
    roots = {"gateway": PROJECT_ROOT}
    if args.baseline_root:
        roots["baseline"] = args.baseline_root.resolve()
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
    for _ in range(args.rounds):
        for name, root in roots.items():
            url, server = gateway(root)
            with server as pid:
                figures[name].append(asyncio.run(drive(url, pid, args.clients, args.requests)))
    print(f"{'system':10} {'clients':>7} {'req/s':>9} {'cpu ms/req':>11}   (best round of {args.rounds})")
    best = {name: min(rounds, key=lambda r: r[1]) for name, rounds in figures.items()}
    for name, (rate, cpu) in best.items():
        print(f"{name:10} {args.clients:>7} {rate:>9.1f} {cpu:>11.3f}")
    if "baseline" in best:
        rate_ratio = best["gateway"][0] / best["baseline"][0]
        cpu_ratio = best["gateway"][1] / best["baseline"][1]
        print(f"gateway/baseline: req/s = {rate_ratio:.2f}, cpu ms/req = {cpu_ratio:.2f}")


if __name__ == "__main__":
    main()
