"""Real servers for the gateway's end-to-end tests: subgraphs under uvicorn and the Hive Gateway router.

Tests do their own setup: the router's node_modules are installed with ``npm ci`` from the committed
lockfile when missing (once; later runs reuse them), and a test is skipped only when Node/npm are not
installed at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graph.local_server import free_port
from tests.auth_tokens import AUTH_ENV

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ROUTER_DIR = PROJECT_ROOT / "deploy" / "router"
SDL_DIR = PROJECT_ROOT / "gateway" / "schema"


def wait_until_up(url: str, proc: subprocess.Popen[str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(f"server exited early ({proc.returncode}):\n{out[-3000:]}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not come up within {timeout:.0f} s")
        time.sleep(0.3)


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextmanager
def running_subgraph(neo4j_uri: str, subgraph: str, **env: str) -> Iterator[str]:
    """``ltsa serve --subgraph <subgraph>`` on a free port; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ltsa.cli", "serve", "--port", str(port), "--subgraph", subgraph],
        cwd=PROJECT_ROOT,
        env={**os.environ, "NEO4J_URI": neo4j_uri, "NEO4J_CONNECT_TIMEOUT": "3", **AUTH_ENV, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", proc)
        yield base
    finally:
        stop(proc)


def router_ready() -> Path:
    """The router folder with node_modules installed (``npm ci`` when missing); skips without npm."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed for the federation router (deploy/router)")
    if not (ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway").exists():
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=ROUTER_DIR, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise AssertionError(f"npm ci in {ROUTER_DIR} failed:\n{done.stderr[-3000:]}")
    return ROUTER_DIR


def compose(out: Path, subgraph_urls: dict[str, str]) -> Path:
    """Compose the committed SDLs with the given subgraph URLs into ``out``."""
    specs = [f"{name}={url}={SDL_DIR / f'{name}.graphql'}" for name, url in subgraph_urls.items()]
    done = subprocess.run(
        ["node", "compose.mjs", str(out), *specs], cwd=router_ready(), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise AssertionError(f"composition failed:\n{done.stderr}")
    return out


@contextmanager
def running_router(supergraph: Path) -> Iterator[str]:
    """Hive Gateway serving ``supergraph``; yields its GraphQL URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(ROUTER_DIR / "node_modules" / ".bin" / "hive-gateway"),
            "supergraph",
            str(supergraph),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROUTER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthcheck", proc)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        stop(proc)
