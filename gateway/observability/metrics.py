"""The gateway's Prometheus metrics (all named ``ltsa_…``) and the ``/metrics`` answer.

Labels are chosen by the code, never copied from a request: a route *template* (not the path a client
sent), a known method, a status code, a capped operation name (``operation_names``), an access mode
and an outcome. No label can hold an identifier. Each app has its own registry, so two apps in one
process (tests) count separately; one process serves one pod (see docs/observability.md).
"""

from __future__ import annotations

from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from .operation_names import OperationNames

LATENCY_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CYPHER_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ROUND_TRIP_BUCKETS: Final = (0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64)


class GatewayMetrics:
    def __init__(self, max_operations: int = 100, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.operation_names = OperationNames(max_operations)
        r = self.registry
        self.http_requests = Counter(
            "ltsa_http_requests", "HTTP requests answered.", ["route", "method", "status"], registry=r
        )
        self.http_duration = Histogram(
            "ltsa_http_request_duration_seconds",
            "Time from request to the end of the response body.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.graphql_operations = Counter(
            "ltsa_graphql_operations",
            "GraphQL operations executed (parse, validation and execution).",
            ["operation", "type", "outcome"],
            registry=r,
        )
        self.graphql_duration = Histogram(
            "ltsa_graphql_operation_duration_seconds",
            "Time of one GraphQL operation, audit write included.",
            ["operation", "type", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.cypher_duration = Histogram(
            "ltsa_cypher_statement_duration_seconds",
            "Time of one Cypher statement sent by a request (its _count counts statements).",
            ["mode", "outcome"],
            buckets=CYPHER_BUCKETS,
            registry=r,
        )
        self.cypher_round_trips = Histogram(
            "ltsa_graphql_cypher_round_trips",
            "Cypher statements one GraphQL operation sent.",
            buckets=ROUND_TRIP_BUCKETS,
            registry=r,
        )
        self.neo4j_up = Gauge(
            "ltsa_neo4j_up", "1 when the last connectivity check reached Neo4j, else 0.", registry=r
        )

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
