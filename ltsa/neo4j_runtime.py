"""Which Neo4j a command uses: ``NEO4J_URI`` when set, else the embedded local server we start."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from graph.connection import Neo4jSettings
from graph.local_server import LocalNeo4j, default_data_dir


@contextlib.contextmanager
def neo4j_settings(data_dir: Path | None = None) -> Iterator[Neo4jSettings]:
    """Yield settings for a reachable Neo4j; a local server started here is stopped on exit."""
    settings = Neo4jSettings.from_env()
    if settings.uri:
        yield settings
        return
    server = LocalNeo4j(data_dir=data_dir or default_data_dir())
    try:
        uri = server.start()
        yield Neo4jSettings.from_env(uri=uri)
    finally:
        server.stop()
