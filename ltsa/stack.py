"""The serving stack as child processes: both GraphQL subgraphs, the federation router, the pages.

Used by ``ltsa demo`` and by the end-to-end tests, so what the tests exercise is what the demo runs.
Every child is started on a free loopback port and stopped (SIGTERM, then SIGKILL) when the context
exits; the router's node_modules are installed from the committed lockfile on first use.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from graph.local_server import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ROUTER_DIR = PROJECT_ROOT / "deploy" / "router"
SDL_DIR = PROJECT_ROOT / "gateway" / "schema"


class StackError(RuntimeError):
    """A server of the stack could not be prepared or started; the message says which and why."""


def _spawn(cmd: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """Start a server whose output goes to a log file: a pipe nobody reads would block it."""
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the child owns it for its whole life
        mode="w+", prefix="satu-atap-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=dict(env) if env else None, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    proc.log_path = log.name  # type: ignore[attr-defined]
    log.close()
    return proc


def log_tail(proc: subprocess.Popen[str], chars: int = 3000) -> str:
    path = getattr(proc, "log_path", "")
    return Path(path).read_text(errors="replace")[-chars:] if path and Path(path).exists() else ""


def wait_until_up(url: str, proc: subprocess.Popen[str], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise StackError(f"server exited early ({proc.returncode}):\n{log_tail(proc)}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise StackError(f"{url} did not come up within {timeout:.0f} s")
        time.sleep(0.3)


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextlib.contextmanager
def running_subgraph(
    neo4j_uri: str, subgraph: str, env: Mapping[str, str] | None = None, port: int = 0
) -> Iterator[str]:
    """``ltsa serve --subgraph <subgraph>`` on a free port; yields the base URL."""
    port = port or free_port()
    proc = _spawn(
        [sys.executable, "-m", "ltsa.cli", "serve", "--port", str(port), "--subgraph", subgraph],
        PROJECT_ROOT,
        {**os.environ, "NEO4J_URI": neo4j_uri, "NEO4J_CONNECT_TIMEOUT": "3", **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", proc)
        yield base
    finally:
        stop(proc)


def node_available() -> bool:
    return shutil.which("node") is not None and shutil.which("npm") is not None


def router_ready() -> Path:
    """The router folder with node_modules installed (``npm ci`` from the lockfile when missing)."""
    if not node_available():
        raise StackError("Node.js 20+ and npm are needed for the federation router (deploy/router)")
    if not (ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway").exists():
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=ROUTER_DIR, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise StackError(f"npm ci in {ROUTER_DIR} failed:\n{done.stderr[-3000:]}")
    return ROUTER_DIR


def compose(out: Path, subgraph_urls: Mapping[str, str]) -> Path:
    """Compose the committed SDLs with the given subgraph URLs into the supergraph file ``out``."""
    specs = [f"{name}={url}={SDL_DIR / f'{name}.graphql'}" for name, url in subgraph_urls.items()]
    done = subprocess.run(
        ["node", "compose.mjs", str(out), *specs], cwd=router_ready(), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise StackError(f"composition failed:\n{done.stderr}")
    return out


@contextlib.contextmanager
def running_router(supergraph: Path, port: int = 0, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Hive Gateway serving ``supergraph``; yields its GraphQL URL. ``env`` is added to this process's
    environment (``LTSA_ENV=production`` switches GraphiQL and introspection off: gateway.config.mjs)."""
    port = port or free_port()
    hive_gateway = str(router_ready() / "node_modules" / ".bin" / "hive-gateway")
    proc = _spawn(
        [hive_gateway, "supergraph", str(supergraph), "--host", "127.0.0.1", "--port", str(port)],
        ROUTER_DIR,
        {**os.environ, **(env or {})},
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthcheck", proc)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        stop(proc)


@dataclass(frozen=True)
class Stack:
    registry: str  # base URL of the registry subgraph
    linkage: str  # base URL of the linkage subgraph
    graphql: str  # the router's GraphQL URL: the one API that spans both subgraphs
    pages: str  # base URL serving /review, /explore, /coverage, /login


@contextlib.contextmanager
def running_stack(
    neo4j_uri: str, work_dir: Path, env: Mapping[str, str] | None = None, pages_port: int = 0
) -> Iterator[Stack]:
    """Both subgraphs, the router over them, and a pages server whose pages call the router."""
    env = dict(env or {})
    with (
        running_subgraph(neo4j_uri, "registry", env) as registry,
        running_subgraph(neo4j_uri, "linkage", env) as linkage,
    ):
        work_dir.mkdir(parents=True, exist_ok=True)
        supergraph = compose(
            work_dir / "supergraph.graphql",
            {"registry": f"{registry}/graphql", "linkage": f"{linkage}/graphql"},
        )
        with running_router(supergraph, env=env) as router:
            page_env = {**env, "LTSA_GRAPHQL_URL": router}
            with running_subgraph(neo4j_uri, "registry", page_env, port=pages_port) as pages:
                yield Stack(registry=registry, linkage=linkage, graphql=router, pages=pages)
