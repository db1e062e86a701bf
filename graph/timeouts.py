"""Server-side time limits for Cypher, so one hostile or unlucky query cannot hold the database.

Neo4j enforces a transaction timeout itself and rolls the transaction back (the driver raises a
``ClientError`` whose code starts ``Neo.ClientError.Transaction.TransactionTimedOut``, not retried). Use
``bounded(work)`` for a managed transaction function (``session.execute_read(bounded(work))``) and
``bounded_query(text)`` for an auto-commit ``session.run``. ``LTSA_CYPHER_TIMEOUT`` (seconds, default
15) sets the limit.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Final, LiteralString, TypeVar

import neo4j

DEFAULT_TIMEOUT_S: Final = 15.0
# Neo4j 5 says ...TransactionTimedOutClientConfiguration for a client-set timeout, older ones without.
TIMED_OUT_CODE: Final = "Neo.ClientError.Transaction.TransactionTimedOut"
WorkT = TypeVar("WorkT", bound=Callable[..., Any])


def cypher_timeout_s(env: Mapping[str, str] | None = None) -> float:
    raw = (os.environ if env is None else env).get("LTSA_CYPHER_TIMEOUT", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError as exc:
        raise ValueError(f"LTSA_CYPHER_TIMEOUT must be a number of seconds, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"LTSA_CYPHER_TIMEOUT must be positive, got {value}")
    return value


def bounded(work: WorkT, timeout_s: float | None = None) -> WorkT:
    """``work`` (a transaction function, sync or async) carrying a transaction timeout."""
    wrapped: WorkT = neo4j.unit_of_work(timeout=timeout_s or cypher_timeout_s())(work)
    return wrapped


def bounded_query(text: LiteralString, timeout_s: float | None = None) -> neo4j.Query:
    """An auto-commit query carrying a transaction timeout."""
    return neo4j.Query(text, timeout=timeout_s or cypher_timeout_s())


def timed_out(error: BaseException) -> bool:
    return isinstance(error, neo4j.exceptions.Neo4jError) and (error.code or "").startswith(TIMED_OUT_CODE)
