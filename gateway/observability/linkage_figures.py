"""The figures of the linkage run the graph holds, as gauges: read from Neo4j at most once per TTL.

What a load leaves in the graph (``graph.load``): one ``(:LoadRun)`` per linked output (``runId``,
``status``, ``startedAt``, ``completedAt``) plus the ``(:SourceRecord)``, ``(:Person)`` and
``(:MatchCandidate {status})`` nodes of that run. The run's own figures file (run.json) is not loaded,
so the gauges are counted from those nodes: records, persons, auto-matched pairs, the review queue and
the completion time of the latest complete load. A graph without a complete ``LoadRun`` yields no
linkage gauges at all (absent, not zero: "nothing loaded" is not "zero persons").

A scrape never waits on a slow database for long and never fans out: the figures are refreshed by
the first scrape after the TTL (one query, bounded in time), concurrent scrapes serve what is cached.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import neo4j
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from linkage.review import STATUS_AUTO, STATUS_REVIEW

log = logging.getLogger(__name__)

LATEST_RUN: Final = """
MATCH (r:LoadRun {status: 'complete'})
WITH r ORDER BY r.completedAt DESC, r.runId LIMIT 1
RETURN r.completedAt.epochMillis AS completedAtMs,
       COUNT { (:SourceRecord) } AS sourceRecords,
       COUNT { (:Person) } AS persons,
       COUNT { (c:MatchCandidate WHERE c.status = $auto) } AS autoMatched,
       COUNT { (c:MatchCandidate WHERE c.status = $review) } AS reviewQueue
"""
QUERY_TIMEOUT_S: Final = 5.0


@dataclass(frozen=True)
class RunFigures:
    completed_at_s: float
    source_records: int
    persons: int
    auto_matched_pairs: int
    review_queue: int


class LinkageFigures(Collector):
    """A Prometheus collector of the cached figures; ``refresh`` is what reads the graph."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self.figures: RunFigures | None = None
        self.refreshed_at: float | None = None  # monotonic time of the last attempt
        self._lock = asyncio.Lock()

    def stale(self, now: float) -> bool:
        return self.refreshed_at is None or now - self.refreshed_at >= self.ttl_s

    async def refresh_if_stale(self, driver: neo4j.AsyncDriver, database: str) -> bool | None:
        """Read the figures when the cache is older than the TTL: whether Neo4j answered, None when
        nothing was asked (fresh cache, or a refresh already in progress, which is not joined)."""
        if not self.stale(time.monotonic()) or self._lock.locked():
            return None
        async with self._lock:
            self.refreshed_at = time.monotonic()  # an attempt counts: a dead database is asked once per TTL
            try:
                self.figures = await asyncio.wait_for(read_run_figures(driver, database), QUERY_TIMEOUT_S)
            except neo4j.exceptions.Neo4jError as exc:  # the server answered: reachable, figures kept
                log.warning("linkage figures not refreshed: %s", exc.code)
            except (TimeoutError, neo4j.exceptions.DriverError, OSError) as exc:
                # Keep the last figures: they are still the latest known; the caller reports the outage.
                log.warning("linkage figures not refreshed, Neo4j unreachable: %s", type(exc).__name__)
                return False
            return True

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = self.figures
        if figures is None:
            return
        yield from (
            GaugeMetricFamily(
                "ltsa_linkage_run_completed_timestamp_seconds",
                "When the latest complete load of a linkage run into the graph finished (Unix time).",
                value=figures.completed_at_s,
            ),
            GaugeMetricFamily(
                "ltsa_linkage_source_records", "Source records in the graph.", value=figures.source_records
            ),
            GaugeMetricFamily(
                "ltsa_linkage_persons", "Persons resolved in the graph.", value=figures.persons
            ),
            GaugeMetricFamily(
                "ltsa_linkage_auto_matched_pairs",
                "Candidate pairs linkage matched automatically.",
                value=figures.auto_matched_pairs,
            ),
            GaugeMetricFamily(
                "ltsa_linkage_review_queue",
                "Candidate pairs waiting for a steward's decision.",
                value=figures.review_queue,
            ),
        )


async def read_run_figures(driver: neo4j.AsyncDriver, database: str) -> RunFigures | None:
    """The latest complete run's figures, None when the graph holds no complete load."""
    records, _, _ = await driver.execute_query(
        LATEST_RUN,
        auto=STATUS_AUTO,
        review=STATUS_REVIEW,
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    if not records:
        return None
    row = records[0]
    return RunFigures(
        completed_at_s=row["completedAtMs"] / 1000.0,
        source_records=row["sourceRecords"],
        persons=row["persons"],
        auto_matched_pairs=row["autoMatched"],
        review_queue=row["reviewQueue"],
    )
