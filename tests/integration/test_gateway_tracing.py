"""OpenTelemetry spans of the gateway, collected by the SDK's own in-memory exporter, over real Neo4j."""

from __future__ import annotations

from typing import Final

import pytest
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.observability.settings import ObservabilitySettings
from gateway.observability.tracing import Tracing
from gateway.observability.wiring import Observability
from graph.connection import Neo4jSettings
from tests.auth_tokens import auth_settings, headers

pytest.importorskip("opentelemetry.sdk", reason="the otel extra is not installed")

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

pytestmark = pytest.mark.neo4j

NIK: Final = "3201019912990001"
TRACE_ID: Final = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT: Final = f"00-{TRACE_ID}-00f067aa0ba902b7-01"  # the router's span, W3C traceparent


def traced_request(neo4j_settings: Neo4jSettings) -> list[ReadableSpan]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider.get_tracer("tests"))
    observability = Observability.create(ObservabilitySettings(), "test", tracing=tracing)
    app = create_app(neo4j_settings, "registry", auth_settings(), observability=observability)
    query = "query ByNik($nik: String!) { personByNik(nik: $nik) { id } }"
    with TestClient(app, headers={**headers("app"), "traceparent": PARENT}) as client:
        response = client.post("/graphql", json={"query": query, "variables": {"nik": NIK}})
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return list(exporter.get_finished_spans())


def test_a_graphql_operation_span_with_a_child_span_per_cypher_statement(
    neo4j_settings: Neo4jSettings,
) -> None:
    spans = traced_request(neo4j_settings)
    [operation] = [s for s in spans if s.name == "graphql.operation"]
    statements = [s for s in spans if s.name.startswith("cypher ")]
    assert operation.context is not None and operation.parent is not None
    assert format(operation.context.trace_id, "032x") == TRACE_ID  # continues the router's trace
    assert dict(operation.attributes or {}) == {
        "graphql.operation.name": "ByNik",
        "graphql.operation.type": "query",
        "ltsa.outcome": "ok",
    }
    assert statements, "no Cypher span"
    for statement in statements:
        assert statement.parent is not None and statement.parent.span_id == operation.context.span_id
        attributes = dict(statement.attributes or {})
        assert attributes["db.system.name"] == "neo4j" and attributes["ltsa.access_mode"] == "read"
        # A statement the runner was given as text carries it; one sent by a query function, its name.
        named = str(attributes["db.operation.name"])
        assert "MATCH" in str(attributes["db.query.text"]) if named == "read" else named.endswith("_async")


def test_no_span_carries_a_parameter_value(neo4j_settings: Neo4jSettings) -> None:
    for span in traced_request(neo4j_settings):
        for name, attribute in (span.attributes or {}).items():
            assert NIK not in str(attribute), (span.name, name)
