"""Timing of every Cypher statement a request sends: a histogram by access mode and outcome, a span.

``gateway.runner.CypherRunner`` wraps each statement in ``CypherObserver.statement``; the runner marks
a lost database (``Observed.outcome = UNAVAILABLE``) before it raises, any other exception counts as
``error``. The span carries the parameterised statement text (or the query function's name), never
parameter values.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

from .metrics import GatewayMetrics
from .tracing import Tracing

OK: Final = "ok"
ERROR: Final = "error"
UNAVAILABLE: Final = "unavailable"


@dataclass
class Observed:
    outcome: str = OK


class CypherObserver:
    def __init__(self, metrics: GatewayMetrics | None = None, tracing: Tracing | None = None) -> None:
        self.metrics = metrics
        self.tracing = tracing or Tracing()

    @contextlib.asynccontextmanager
    async def statement(self, mode: str, name: str, text: str | None = None) -> AsyncIterator[Observed]:
        """Times the block as one statement in ``mode`` (read | write) named ``name``."""
        observed = Observed()
        attributes = {"db.system.name": "neo4j", "db.operation.name": name, "ltsa.access_mode": mode}
        if text is not None:
            attributes["db.query.text"] = text
        started = time.perf_counter()
        try:
            with self.tracing.span(f"cypher {mode}", attributes):
                yield observed
        except BaseException:
            if observed.outcome == OK:
                observed.outcome = ERROR
            raise
        finally:
            if self.metrics is not None:
                elapsed = time.perf_counter() - started
                self.metrics.cypher_duration.labels(mode, observed.outcome).observe(elapsed)


UNOBSERVED: Final = CypherObserver()
