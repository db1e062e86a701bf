"""What Neo4j's read-timeout hint costs the gateway's driver: CPU per statement, hint sent or not.

With ``connection.recv_timeout_seconds`` in its HELLO answer (Neo4j's default,
``server.bolt.connection_keep_alive_for_requests=ALL``) the Python driver runs every socket read
through a timeout that wraps it in a task with its own timer. Our servers send no hint (``OFF``) and the
gateway bounds each statement itself (``gateway/runner.py``). This starts one embedded Neo4j per setting
and sends trivial statements one after another through the gateway's ``CypherRunner`` (uvloop, as
served), reporting this process's CPU per statement; the settings alternate over the rounds.

    .venv/bin/python benchmarks/driver_read_timeouts.py --statements 3000 --rounds 3
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import uvloop

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.scratch import scratch_dir  # noqa: E402
from gateway.runner import CypherRunner  # noqa: E402
from graph.connection import Neo4jSettings, async_driver  # noqa: E402
from graph.local_server import LocalNeo4j  # noqa: E402

SETTINGS = ("ALL", "OFF")  # server.bolt.connection_keep_alive_for_requests: hint sent, hint not sent


async def cpu_per_statement(uri: str, statements: int) -> float:
    """This process's CPU (µs) per auto-commit ``RETURN 1`` sent through the runner, after a warm-up."""
    driver = async_driver(Neo4jSettings.from_env(uri=uri))
    try:
        runner = CypherRunner(driver, "neo4j")
        for _ in range(500):
            await runner.read("RETURN 1 AS x", {})
        started = time.process_time()
        for _ in range(statements):
            await runner.read("RETURN 1 AS x", {})
        return (time.process_time() - started) / statements * 1e6
    finally:
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--statements", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    servers = {
        keep_alive: LocalNeo4j(
            data_dir=scratch_dir(f"bench-neo4j-{keep_alive.lower()}-"),
            jvm_options=(f"-Dneo4j.keepalive={keep_alive}",),
        )
        for keep_alive in SETTINGS
    }
    figures: dict[str, list[float]] = {keep_alive: [] for keep_alive in SETTINGS}
    try:
        for server in servers.values():
            server.start()
        for _ in range(args.rounds):
            for keep_alive, server in servers.items():
                figures[keep_alive].append(uvloop.run(cpu_per_statement(server.uri, args.statements)))
    finally:
        for server in servers.values():
            server.stop()
    best = {keep_alive: min(values) for keep_alive, values in figures.items()}
    for keep_alive in SETTINGS:
        rounds = ", ".join(f"{v:.0f}" for v in figures[keep_alive])
        best_one = f"{best[keep_alive]:.0f}"
        print(
            f"keep_alive_for_requests={keep_alive:3}  client CPU per statement: {rounds} µs (best {best_one})"
        )
    print(f"without the hint / with it: {best['OFF'] / best['ALL']:.2f}")


if __name__ == "__main__":
    main()
