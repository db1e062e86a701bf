"""Real servers for the gateway's end-to-end tests: the same code `ltsa demo` runs (``ltsa.stack``),
with the tests' development secret and a skip (not a failure) where Node.js is not installed.

Tests do their own setup: the router's node_modules are installed with ``npm ci`` from the committed
lockfile when missing (once; later runs reuse them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ltsa import stack
from ltsa.stack import compose, running_router
from tests.auth_tokens import AUTH_ENV

__all__ = ["compose", "router_ready", "running_router", "running_subgraph"]


@contextmanager
def running_subgraph(neo4j_uri: str, subgraph: str, **env: str) -> Iterator[str]:
    """``ltsa serve --subgraph <subgraph>`` on a free port with the test secret; yields the base URL."""
    with stack.running_subgraph(neo4j_uri, subgraph, {**AUTH_ENV, **env}) as base:
        yield base


def router_ready() -> Path:
    """The router folder with node_modules installed; skips when Node.js/npm are not installed."""
    if not stack.node_available():
        pytest.skip("Node.js and npm are needed for the federation router (deploy/router)")
    return stack.router_ready()
