"""One place that decides which Neo4j we talk to and how.

``NEO4J_URI`` (+ ``NEO4J_USER``/``NEO4J_PASSWORD``) points at an existing server. Without it, callers
start the embedded local server (``graph.local_server``). Connecting to an unreachable URI fails within
``NEO4J_CONNECT_TIMEOUT`` seconds (default 10) with a message naming the URI, instead of hanging.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, Driver, GraphDatabase


class Neo4jUnavailable(RuntimeError):
    """Neo4j could not be reached; the message names the URI."""


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str = "neo4j"
    password: str = ""
    database: str = "neo4j"
    connect_timeout_s: float = 10.0

    @classmethod
    def from_env(cls, uri: str | None = None) -> Neo4jSettings:
        return cls(
            uri=uri or os.environ.get("NEO4J_URI", ""),
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE", "neo4j"),
            connect_timeout_s=float(os.environ.get("NEO4J_CONNECT_TIMEOUT", "10")),
        )

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password else None


def connect(settings: Neo4jSettings) -> Driver:
    """A verified synchronous driver, or ``Neo4jUnavailable`` naming the URI."""
    if not settings.uri:
        raise Neo4jUnavailable("NEO4J_URI is not set and no local server was started")
    try:
        driver = GraphDatabase.driver(
            settings.uri,
            auth=settings.auth,
            connection_timeout=settings.connect_timeout_s,
            connection_acquisition_timeout=settings.connect_timeout_s,
            max_transaction_retry_time=settings.connect_timeout_s,
        )
        driver.verify_connectivity()
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError, ValueError) as exc:
        raise Neo4jUnavailable(f"cannot reach Neo4j at {settings.uri}: {exc}") from exc
    return driver


def async_driver(settings: Neo4jSettings) -> AsyncDriver:
    """An async driver (one per process, for the gateway); connectivity is checked lazily."""
    return AsyncGraphDatabase.driver(
        settings.uri,
        auth=settings.auth,
        connection_timeout=settings.connect_timeout_s,
        connection_acquisition_timeout=settings.connect_timeout_s,
        max_transaction_retry_time=settings.connect_timeout_s,
    )
