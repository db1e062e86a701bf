"""The linkage gauges: counted from the graph's latest complete load, cached, absent without a load."""

from __future__ import annotations

from dataclasses import replace

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.observability.settings import ObservabilitySettings
from gateway.observability.wiring import Observability
from graph.connection import Neo4jSettings
from graph.local_server import free_port
from tests.auth_tokens import auth_settings
from tests.metrics_scrape import Samples, parse_scrape, value

pytestmark = pytest.mark.neo4j

LINKAGE_GAUGES = (
    "ltsa_linkage_source_records",
    "ltsa_linkage_persons",
    "ltsa_linkage_auto_matched_pairs",
    "ltsa_linkage_review_queue",
    "ltsa_linkage_run_completed_timestamp_seconds",
)
A_LOAD = """
CREATE (:LoadRun {runId: 'old', status: 'superseded', startedAt: datetime('2026-01-01T00:00:00Z'),
                  completedAt: datetime('2026-01-01T01:00:00Z')})
CREATE (:LoadRun {runId: 'new', status: 'complete', startedAt: datetime('2026-11-01T00:00:00Z'),
                  completedAt: datetime('2026-11-01T02:00:00Z')})
CREATE (:Person {personId: 'P-1'}), (:Person {personId: 'P-2'})
CREATE (:SourceRecord {key: 'dukcapil:1'}), (:SourceRecord {key: 'sisko:1'}), (:SourceRecord {key: 'sisko:2'})
CREATE (:MatchCandidate {candidateId: 'c1', status: 'auto_match'}),
       (:MatchCandidate {candidateId: 'c2', status: 'review'}),
       (:MatchCandidate {candidateId: 'c3', status: 'review'}),
       (:MatchCandidate {candidateId: 'c4', status: 'decided'})
"""


def scrape(settings: Neo4jSettings, ttl_s: float, scrapes: int = 1) -> list[Samples]:
    chosen = ObservabilitySettings(graph_ttl_s=ttl_s)
    app = create_app(settings, "linkage", auth_settings(), observability=Observability.create(chosen, "test"))
    with TestClient(app) as client:
        return [parse_scrape(client.get("/metrics").text) for _ in range(scrapes)]


def test_a_graph_without_a_complete_load_has_no_linkage_gauges(
    clean_graph: Driver, neo4j_settings: Neo4jSettings
) -> None:
    [samples] = scrape(neo4j_settings, ttl_s=60)
    assert not [name for (name, _) in samples if name in LINKAGE_GAUGES]
    assert value(samples, "ltsa_neo4j_up") == 1


def test_the_gauges_count_the_latest_complete_load(
    clean_graph: Driver, neo4j_settings: Neo4jSettings
) -> None:
    clean_graph.execute_query(A_LOAD)
    [samples] = scrape(neo4j_settings, ttl_s=60)
    assert {name: value(samples, name) for name in LINKAGE_GAUGES} == {
        "ltsa_linkage_source_records": 3,
        "ltsa_linkage_persons": 2,
        "ltsa_linkage_auto_matched_pairs": 1,
        "ltsa_linkage_review_queue": 2,
        "ltsa_linkage_run_completed_timestamp_seconds": 1793498400.0,  # 2026-11-01T02:00:00Z
    }


def test_scrapes_within_the_ttl_do_not_query_the_graph_again(
    clean_graph: Driver, neo4j_settings: Neo4jSettings
) -> None:
    chosen = ObservabilitySettings(graph_ttl_s=3600)
    app = create_app(
        neo4j_settings, "linkage", auth_settings(), observability=Observability.create(chosen, "t")
    )
    with TestClient(app) as client:
        first = parse_scrape(client.get("/metrics").text)
        clean_graph.execute_query(A_LOAD)
        later = [parse_scrape(client.get("/metrics").text) for _ in range(5)]
    assert value(first, "ltsa_linkage_persons") == 0
    assert all(value(s, "ltsa_linkage_persons") == 0 for s in later)  # still the cached "no load"
    [fresh, again] = scrape(neo4j_settings, ttl_s=0.001, scrapes=2)  # a short TTL sees the load
    assert value(fresh, "ltsa_linkage_persons") == value(again, "ltsa_linkage_persons") == 2


def test_an_unreachable_neo4j_reads_as_down_and_the_scrape_still_answers(
    neo4j_settings: Neo4jSettings,
) -> None:
    nowhere = replace(neo4j_settings, uri=f"bolt://127.0.0.1:{free_port()}", connect_timeout_s=1)
    [samples] = scrape(nowhere, ttl_s=60)
    assert value(samples, "ltsa_neo4j_up") == 0
    assert not [name for (name, _) in samples if name in LINKAGE_GAUGES]
