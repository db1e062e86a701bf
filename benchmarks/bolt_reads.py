"""The gateway's read client against the driver's sessions: CPU per read statement, same runner.

Every request the gateway answers sends at least one auto-commit read. This sends reads through the
gateway's ``CypherRunner`` (uvloop, as served) from 10 concurrent tasks, once with the lean Bolt reader
(``gateway.bolt``, what ``ltsa serve`` uses for ``bolt://``) and once with ``LTSA_READ_CLIENT=driver``
(driver sessions), alternating over the rounds, and reports this process's CPU per statement for a
one-row answer and for a fifty-row one (a name search's recall), rows converted as the gateway does.
Also checks that both clients returned the same rows.

    .venv/bin/python benchmarks/bolt_reads.py --statements 5000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Final

import uvloop

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.scratch import scratch_dir  # noqa: E402
from gateway.bolt import BoltReader, Credentials, lean_address  # noqa: E402
from gateway.runner import CypherRunner  # noqa: E402
from graph.connection import Neo4jSettings, async_driver  # noqa: E402
from graph.local_server import LocalNeo4j  # noqa: E402

CLIENTS: Final = 10
# Rows shaped like a search hit's: an id, names, a date, a score.
STATEMENT: Final = (
    "UNWIND range(1, $rows) AS i RETURN {personId: 'P' + toString(i), fullName: 'Siti Rahayu ' + "
    "toString(i), knownNames: 'SITI RAHAYU | SITI RAHAYU ' + toString(i), birthDate: date('1990-01-01') "
    "+ duration({days: i})} AS person, 1.0 / i AS score"
)
CLIENT_NAMES: Final = ("bolt", "driver")


async def cpu_per_statement(uri: str, client: str, rows: int, statements: int) -> tuple[float, list[object]]:
    """This process's CPU (µs) per read of ``rows`` rows, ``CLIENTS`` at a time, after a warm-up; and
    one answer, to compare the clients'."""
    settings = Neo4jSettings.from_env(uri=uri)
    driver = async_driver(settings)
    address = lean_address(uri)
    assert address is not None
    reader = BoltReader(*address, Credentials(), connect_timeout_s=10) if client == "bolt" else None
    runner = CypherRunner(driver, "neo4j", reader=reader)

    async def load(count: int) -> None:
        async def one_client() -> None:
            for _ in range(count // CLIENTS):
                await runner.read(STATEMENT, {"rows": rows})

        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))

    try:
        await load(1000)
        started = time.process_time()
        await load(statements)
        spent = (time.process_time() - started) / statements * 1e6
        return spent, await runner.read(STATEMENT, {"rows": rows})
    finally:
        if reader is not None:
            await reader.close()
        await driver.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = LocalNeo4j(data_dir=scratch_dir("bench-neo4j-bolt-reads-"))
    figures: dict[tuple[int, str], list[float]] = {}
    answers: dict[tuple[int, str], list[object]] = {}
    try:
        server.start()
        for _ in range(args.rounds):
            for rows in (1, 50):
                for client in CLIENT_NAMES:
                    spent, answer = uvloop.run(cpu_per_statement(server.uri, client, rows, args.statements))
                    figures.setdefault((rows, client), []).append(spent)
                    answers[(rows, client)] = answer
    finally:
        server.stop()
    for rows in (1, 50):
        if answers[(rows, "bolt")] != answers[(rows, "driver")]:
            raise SystemExit(f"the clients' {rows}-row answers differ")
        best = {client: min(figures[(rows, client)]) for client in CLIENT_NAMES}
        for client in CLIENT_NAMES:
            each = ", ".join(f"{v:.0f}" for v in figures[(rows, client)])
            print(f"{rows:2} rows  {client:6}  CPU per statement: {each} µs (best {best[client]:.0f})")
        print(f"{rows:2} rows  bolt / driver: {best['bolt'] / best['driver']:.2f}  (same rows: yes)")


if __name__ == "__main__":
    main()
