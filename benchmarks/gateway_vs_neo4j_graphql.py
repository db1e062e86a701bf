"""Benchmark: the Satu Atap GraphQL gateway vs the Neo4j GraphQL Library on the same Neo4j.

A fixed query mix, round robin — (1) a person with family and placements, (2) a name search, (3) a
2-hop neighbourhood, (4) a page of 20 review candidates — sent by 1, 10 and 50 concurrent clients
over keep-alive HTTP. Prints requests/s and p50/p99 latency per system and level, and the ratios
gateway / peer. The peer (benchmarks/neo4j-graphql, @neo4j/graphql 7 on graphql-yoga) serves type
definitions equivalent to what the mix reads.

The graph is the synthetic world of tests/gateway_world.py at ``--workers`` workers (each with a
spouse: ``--workers 50000`` is 100k persons). A fresh embedded Neo4j gets it through the bulk path
(``graph.bulk_import``, the national first load) plus the candidate loader; ``--neo4j-uri`` with
``--wipe`` gets it through the MERGE loaders (loading deletes everything there).

    .venv/bin/python benchmarks/gateway_vs_neo4j_graphql.py --workers 200 --requests 200
    .venv/bin/python benchmarks/gateway_vs_neo4j_graphql.py --workers 50000 --requests 600  # 100k persons
    .venv/bin/python benchmarks/gateway_vs_neo4j_graphql.py --levels 1,10 --skip-peer
    .venv/bin/python benchmarks/gateway_vs_neo4j_graphql.py --gateway-processes 2
    .venv/bin/python benchmarks/gateway_vs_neo4j_graphql.py --deployment apart,together --peer-processes 1,2
    .venv/bin/python benchmarks/gateway_vs_neo4j_graphql.py --kinds search --levels 1  # one kind's cost
    git archive HEAD | tar -x -C /tmp/before   # then: … --baseline-root /tmp/before (before vs after)

``--deployment``: the two subgraphs served apart (a server each, as the router sees them in
production) or together (one server answering for both at /registry/graphql and /linkage/graphql).
Each client keeps one keep-alive connection per server, as an HTTP client pools them per origin.
``--peer-processes 2`` also runs the peer as a node:cluster of two workers.

The gateway wants a token: each query is sent as the least role allowed to ask it, signed with the
test secret (tests/auth_tokens.py), and the gateway's per-subject rate limit is lifted for the run.

Client, servers and Neo4j share the machine: on a small box the figures are relative, not absolute.
Latency on a busy shared box mostly measures the box, so the table also gives the CPU each system's
own processes spent per request (``cpu ms/req``: the server processes, and Neo4j's when this script
started it; read from /proc, so Linux only): a figure the neighbours' load hardly moves.

Fairness: every system is warmed up before any level is timed (``--warmup`` requests each), then the
script waits for Neo4j to go idle — a fresh Neo4j JVM spends its first minutes compiling and sampling,
and that CPU fell on whichever system was timed first, always the gateway — and the systems take
their turns in alternating order from round to round. A fresh Neo4j keeps getting cheaper for
thousands of statements (a person read averaged 2.69 ms of Neo4j CPU over its first 4,000 and 0.61 ms
over the next 4,000), and the peer gained more from a longer warm-up than the gateway did: hence a
default warm-up of 3,000 requests per system, not the 1,000 of the earlier runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.http_load import Connection, Response  # noqa: E402
from benchmarks.scratch import scratch_dir  # noqa: E402
from graph.bulk_import import bulk_load  # noqa: E402
from graph.connection import Neo4jSettings, connect  # noqa: E402
from graph.local_server import free_port  # noqa: E402
from graph.queries.gateway_candidates import load_candidates  # noqa: E402
from tests.auth_tokens import AUTH_ENV, headers  # noqa: E402
from tests.gateway_world import World, load_world, write_world  # noqa: E402

PEER_DIR = PROJECT_ROOT / "benchmarks" / "neo4j-graphql"

GATEWAY_QUERIES = {
    "person": """query($id: ID!) { person(id: $id) { fullName
        family { relation relative { fullName } }
        placements { phase destination agency { name } employer { name } } } }""",
    "search": """query($name: String!) { searchPeople(name: $name, first: 10) {
        edges { node { score person { id fullName } } } } }""",
    "neighbourhood": """query($id: ID!) {
        neighbourhood(id: $id, hops: 2) { nodes { id } edges { type } } }""",
    "candidates": """{ matchCandidates(status: REVIEW, first: 20) { edges { node {
        id matchWeight left { key } right { key } } } } }""",
}
PEER_QUERIES = {
    "person": """query($id: ID!) { people(where: {personId: {eq: $id}}) { fullName
        family { fullName } placements { phase destination agency { name } employer { name } } } }""",
    "search": """query($name: String!) { searchPeople(query: $name, first: 10) { personId fullName } }""",
    "neighbourhood": """query($id: ID!) { people(where: {personId: {eq: $id}}) { neighbourIds } }""",
    "candidates": """{
        matchCandidates(where: {status: {eq: "review"}}, sort: [{matchWeight: DESC}], limit: 20) {
        candidateId matchWeight left { key } right { key } } }""",
}
KINDS = tuple(GATEWAY_QUERIES)
SUBGRAPH_PATHS = ("/registry/graphql", "/linkage/graphql")
PEER = "neo4j-graphql"
# The least role the gateway lets ask each query, no X-Purpose: identifiers come back masked and no
# audit event is written (an unmasked read would add one audit write per request the peer never does).
GATEWAY_ROLES = {"person": "app", "search": "app", "neighbourhood": "investigator", "candidates": "steward"}
# The peer has no rate limit; the gateway's (20/s per token subject) would turn the load into 429s.
UNLIMITED_RATE = {"LTSA_RATE_LIMIT": "1000000", "LTSA_RATE_BURST": "1000000"}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pids: tuple[int, ...]) -> float:
    """User + system CPU the processes and their descendants have used so far (NaN without /proc)."""
    total = 0.0
    pending = list(pids)
    while pending:
        pid = pending.pop()
        try:
            # Fields after the ")" closing the command name: utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except FileNotFoundError:
            if pid in pids:
                return float("nan")
        except (OSError, ValueError):
            continue  # a child that exited meanwhile
    return total


def settle(pids: tuple[int, ...], idle: float = 0.1, limit_s: float = 120.0) -> float:
    """Wait until the processes use less than ``idle`` of a core over a second (at most ``limit_s``);
    returns the seconds waited. A freshly loaded Neo4j keeps compiling and sampling indexes for a
    while: timed then, its background CPU lands on whichever system is measured, as Neo4j CPU per
    request (it made 1-client figures several times the warm ones)."""
    started = time.monotonic()
    while pids and time.monotonic() - started < limit_s:
        before = cpu_seconds(pids)
        time.sleep(1.0)
        if cpu_seconds(pids) - before < idle:
            break
    return time.monotonic() - started


@dataclass
class Result:
    system: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    by_kind_ms: dict[str, list[float]]
    server_cpu_s: float  # the system's server processes, during the timed requests
    neo4j_cpu_s: float
    client_cpu_s: float  # this load generator's own (it shares the cores with the servers)

    @property
    def server_cpu_ms(self) -> float:
        return 1000 * self.server_cpu_s / self.requests if self.requests else float("nan")

    @property
    def neo4j_cpu_ms(self) -> float:
        return 1000 * self.neo4j_cpu_s / self.requests if self.requests else float("nan")

    @property
    def client_cpu_ms(self) -> float:
        return 1000 * self.client_cpu_s / self.requests if self.requests else float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return _percentile(self.latencies_ms, q)

    def merged(self, other: Result) -> Result:
        """This and another round of the same system and level, as one result."""
        return Result(
            self.system,
            self.clients,
            self.requests + other.requests,
            self.errors + other.errors,
            self.seconds + other.seconds,
            self.latencies_ms + other.latencies_ms,
            {k: self.by_kind_ms[k] + other.by_kind_ms[k] for k in self.by_kind_ms},
            self.server_cpu_s + other.server_cpu_s,
            self.neo4j_cpu_s + other.neo4j_cpu_s,
            self.client_cpu_s + other.client_cpu_s,
        )


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server for {url} exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not come up in {timeout:.0f} s")


@contextmanager
def process(cmd: list[str], env: dict[str, str], cwd: Path, probe: str) -> Iterator[int]:
    """The server process, started and up; yields its pid."""
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    try:
        wait_up(probe, proc)
        yield proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


def gateway(uri: str, subgraphs: str, processes: int, root: Path = PROJECT_ROOT) -> tuple[str, Any]:
    """Gateway subgraphs (``registry``, ``linkage`` or both: ``registry,linkage``) served as ``ltsa serve``
    serves them (``processes`` workers), from the source tree ``root`` (its packages are imported from
    there: the server runs in it); returns the server's URL (each subgraph at ``/<name>/graphql``)."""
    port = free_port()
    cmd = [sys.executable, "-m", "ltsa.cli", "serve", "--subgraph", subgraphs, "--port", str(port)]
    cmd += ["--workers", str(processes)]  # log level as in production: INFO, an access line a request
    env = {"NEO4J_URI": uri, "LTSA_ENV": "production", **AUTH_ENV}
    env |= UNLIMITED_RATE
    url = f"http://127.0.0.1:{port}"
    return url, process(cmd, env, root, f"{url}/healthz")


def peer(uri: str, processes: int = 1) -> tuple[str, Any]:
    if not (PEER_DIR / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/graphql"
    env = {"NEO4J_URI": uri, "PORT": str(port), "PROCESSES": str(processes)}
    return url, process(["node", "server.mjs"], env, PEER_DIR, url)


def variables(kind: str, i: int, world: World) -> dict[str, Any]:
    person = world.worker_ids[i % len(world.worker_ids)]
    if kind == "search":
        return {"name": world.name_of[person]}
    return {"id": person} if kind in ("person", "neighbourhood") else {}


@dataclass(frozen=True)
class System:
    name: str
    urls: dict[str, str]  # per query kind
    queries: dict[str, str]
    headers: dict[str, dict[str, str]]  # per query kind (the gateway wants a token)
    pids: tuple[int, ...]  # the server processes (their workers are counted as their children)


async def drive(
    system: System,
    world: World,
    clients: int,
    total: int,
    neo4j: tuple[int, ...],
    first: int = 0,
    mix: tuple[str, ...] = KINDS,
) -> Result:
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {kind: [] for kind in mix}
    errors = 0
    counter = iter(range(first, first + total))

    async def ask(connections: dict[str, Connection], kind: str, i: int) -> Response:
        body = {"query": system.queries[kind], "variables": variables(kind, i, world)}
        url = urlsplit(system.urls[kind])
        if url.netloc not in connections:  # one keep-alive connection per client and server (origin)
            connections[url.netloc] = Connection(system.urls[kind])
        return await connections[url.netloc].post(body, system.headers.get(kind, {}), url.path)

    async def client(connections: dict[str, Connection]) -> None:
        nonlocal errors
        for i in counter:
            kind = mix[i % len(mix)]
            started = time.perf_counter()
            response = await ask(connections, kind, i)
            latencies.append((time.perf_counter() - started) * 1000)
            by_kind[kind].append(latencies[-1])
            if response.status != 200 or b'"errors":' in response.body:
                if not errors:  # the first one says what is wrong; the rest are counted
                    print(f"{system.name} {kind}: {response.status} {response.text[:300]}")
                errors += 1

    # One keep-alive connection per client and server (the gateway's candidates come from the linkage
    # subgraph: another server when the subgraphs are deployed apart), opened by a warm-up request each
    # before the clock starts.
    pools: list[dict[str, Connection]] = [{} for _ in range(clients)]
    for n, connections in enumerate(pools):
        for kind in dict.fromkeys(mix):
            await ask(connections, kind, n)
    cpu_before = cpu_seconds(system.pids), cpu_seconds(neo4j)
    client_before = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(client(connections) for connections in pools))
    seconds = time.perf_counter() - started
    client_cpu = time.process_time() - client_before
    server_cpu, neo4j_cpu = (cpu_seconds(system.pids), cpu_seconds(neo4j))
    for connections in pools:
        for connection in connections.values():
            await connection.close()
    return Result(
        system.name,
        clients,
        total,
        errors,
        seconds,
        latencies,
        by_kind,
        server_cpu - cpu_before[0],
        neo4j_cpu - cpu_before[1],
        client_cpu,
    )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def print_table(results: list[Result]) -> None:
    print(
        f"{'system':<14}{'clients':>8}{'requests':>10}{'errors':>8}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}"
        f"{'cpu ms/req':>12}{'neo4j cpu ms/req':>18}{'client cpu ms/req':>19}"
    )
    for r in results:
        print(
            f"{r.system:<14}{r.clients:>8}{r.requests:>10}{r.errors:>8}{r.rps:>10.1f}"
            f"{r.percentile(0.5):>10.1f}{r.percentile(0.99):>10.1f}"
            f"{r.server_cpu_ms:>12.2f}{r.neo4j_cpu_ms:>18.2f}{r.client_cpu_ms:>19.2f}"
        )
    kinds = [k for k in KINDS if all(r.by_kind_ms.get(k) for r in results)]  # those the mix had
    for label, q in (("p50", 0.5), ("p99", 0.99)):
        header = f"\n{label} ms per query kind: {'system':<14}{'clients':>8}"
        print(header + "".join(f"{k:>15}" for k in kinds))
        for r in results:
            cells = "".join(f"{_percentile(r.by_kind_ms[k], q):>15.1f}" for k in kinds)
            print(f"{'':<23}{r.system:<14}{r.clients:>8}{cells}")
    by_level: dict[int, dict[str, Result]] = {}
    for r in results:
        by_level.setdefault(r.clients, {})[r.system] = r
    for clients, systems in sorted(by_level.items()):
        # Against the peer, and a gateway against the baseline tree served with as many processes.
        pairs = [
            (g, systems[PEER], "peer") for name, g in systems.items() if name != PEER and PEER in systems
        ]
        pairs += [
            (g, systems[name.replace("gateway", "baseline", 1)], "baseline")
            for name, g in systems.items()
            if name.startswith("gateway") and name.replace("gateway", "baseline", 1) in systems
        ]
        for g, p, label in pairs:
            print(
                f"clients={clients}: {g.system}/{label} req/s = {g.rps / p.rps:.2f}, "
                f"p50 = {g.percentile(0.5) / p.percentile(0.5):.2f}, "
                f"p99 = {g.percentile(0.99) / p.percentile(0.99):.2f}, "
                f"cpu ms/req = {g.server_cpu_ms / p.server_cpu_ms:.2f}, "
                f"neo4j cpu ms/req = {g.neo4j_cpu_ms / p.neo4j_cpu_ms:.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=200, help="synthetic workers in the graph")
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="requests per system and level")
    parser.add_argument("--neo4j-uri", default="", help="use this Neo4j (needs --wipe), not a fresh one")
    parser.add_argument("--wipe", action="store_true", help="allow deleting everything in --neo4j-uri")
    parser.add_argument("--skip-peer", action="store_true", help="only the gateway")
    parser.add_argument(
        "--gateway-processes",
        default="1",
        help="worker processes per server (ltsa serve --workers); a list (1,2): a gateway each",
    )
    parser.add_argument(
        "--deployment",
        default="apart",
        help="apart (a server per subgraph), together (one serving both), or both: apart,together",
    )
    parser.add_argument(
        "--peer-processes", default="1", help="Node processes of the peer (node:cluster); a list: 1,2"
    )
    parser.add_argument("--kinds", default=",".join(KINDS), help="the mix: some of " + ", ".join(KINDS))
    parser.add_argument("--warmup", type=int, default=3000, help="untimed requests per system, first")
    parser.add_argument("--baseline-root", type=Path, help="also a gateway from this tree: before vs after")
    parser.add_argument("--rounds", type=int, default=3, help="turns per level (a shared box's load drifts)")
    parser.add_argument(
        "--page-cache-mib", type=int, default=2048, help="the embedded Neo4j's page cache (the store fits)"
    )
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so the servers and the Neo4j started here are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    levels = [int(x) for x in args.levels.split(",")]
    mix = tuple(args.kinds.split(","))
    if not set(mix) <= set(KINDS):
        parser.error(f"--kinds: choose among {', '.join(KINDS)}")
    process_counts = [int(x) for x in args.gateway_processes.split(",")]
    deployments = args.deployment.split(",")
    peer_counts = [int(x) for x in args.peer_processes.split(",")]
    if 1 not in peer_counts and not args.skip_peer:
        parser.error("--peer-processes: the ratios are against the one-process peer; include 1")
    if not set(deployments) <= {"apart", "together"}:
        parser.error("--deployment: apart, together or apart,together")
    if args.rounds < 1 or args.requests < args.rounds:
        parser.error("--rounds must be at least 1 and at most --requests")
    if args.neo4j_uri and not args.wipe:
        parser.error("loading the benchmark graph deletes everything in --neo4j-uri: add --wipe to confirm")
    if not args.skip_peer and shutil.which("node") is None:
        parser.error("the peer needs Node.js (or pass --skip-peer)")

    with ExitStack() as stack:
        started = time.perf_counter()
        folder = scratch_dir("bench-linked-")
        if args.neo4j_uri:
            uri = args.neo4j_uri
            neo4j_pids: tuple[int, ...] = ()  # an external Neo4j's CPU is not ours to read
            driver = connect(Neo4jSettings.from_env(uri=uri))
            world = load_world(driver, folder, workers=args.workers)
        else:
            world = write_world(folder, args.workers)
            data_dir = scratch_dir("bench-neo4j-")
            report, server = bulk_load(
                folder, data_dir, keep_running=True, page_cache_mib=args.page_cache_mib
            )
            assert server is not None
            stack.callback(server.stop)
            uri = report.uri
            neo4j_pids = (server.process.pid,) if server.process else ()
            driver = connect(Neo4jSettings.from_env(uri=uri))
            load_candidates(driver, folder)
            print(f"graph: {report.persons:,} persons, {report.source_records:,} source records")
        driver.close()
        print(f"graph: {args.workers} workers loaded in {time.perf_counter() - started:.1f} s; Neo4j {uri}")

        tokens = {kind: headers(role) for kind, role in GATEWAY_ROLES.items()}
        systems = []
        roots = {"gateway": PROJECT_ROOT}
        if args.baseline_root:
            roots["baseline"] = args.baseline_root.resolve()
        for label, root in roots.items():
            for deployment, count in ((d, c) for d in deployments for c in process_counts):
                # One after the other: a free port is only taken once its server listens on it.
                if deployment == "apart":
                    registry_url, registry = gateway(uri, "registry", count, root)
                    registry_pid = stack.enter_context(registry)
                    linkage_url, linkage = gateway(uri, "linkage", count, root)
                    pids = (registry_pid, stack.enter_context(linkage))
                else:  # one server answering for both subgraphs
                    registry_url, both = gateway(uri, "registry,linkage", count, root)
                    linkage_url, pids = registry_url, (stack.enter_context(both),)
                # Apart, each server's /graphql (a baseline tree may predate /<subgraph>/graphql).
                paths = ("/graphql", "/graphql") if deployment == "apart" else SUBGRAPH_PATHS
                urls = {**dict.fromkeys(KINDS, registry_url + paths[0]), "candidates": linkage_url + paths[1]}
                name = label + (f"-{deployment}" if len(deployments) > 1 else "")
                name += f"-{count}p" if len(process_counts) > 1 else ""
                systems.append(System(name, urls, GATEWAY_QUERIES, tokens, pids))
        for count in [] if args.skip_peer else peer_counts:
            peer_url, peer_process = peer(uri, count)
            peer_pid = stack.enter_context(peer_process)
            name = PEER if count == 1 else f"{PEER}-{count}p"
            systems.append(System(name, dict.fromkeys(KINDS, peer_url), PEER_QUERIES, {}, (peer_pid,)))

        # Warmed up at the highest level: some statements only appear under load (the gateway sends
        # concurrent requests' reads as one batched statement), and Neo4j plans each new statement text
        # once, taking 0.4-0.9 s on this box; planned during a timed level, that is its p99.
        for system in systems:
            asyncio.run(drive(system, world, max(levels), args.warmup, neo4j_pids, mix=mix))
        print(f"Neo4j idle after {settle(neo4j_pids):.0f} s of background work (JIT, index sampling)")
        results: list[Result] = []
        for clients in levels:
            # Turns, not one long run each: every system sees the same drift in the box's load; the
            # order alternates so no system always runs right after the same neighbour.
            per_round = args.requests // args.rounds
            merged: dict[str, Result] = {}
            for turn in range(args.rounds):
                for system in systems if turn % 2 == 0 else systems[::-1]:
                    # Each round asks about other persons than the last (the same ones for every system).
                    one = asyncio.run(
                        drive(system, world, clients, per_round, neo4j_pids, turn * per_round, mix)
                    )
                    merged[system.name] = merged[system.name].merged(one) if system.name in merged else one
            results += merged.values()
        print_table(results)
        counts = ", ".join(map(str, process_counts))
        print(
            f"mix (round robin): {', '.join(mix)}; gateway processes: {counts}; rounds: {args.rounds}; "
            f"warm-up: {args.warmup} requests per system"
        )


if __name__ == "__main__":
    main()
