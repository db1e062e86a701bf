"""Optional OpenTelemetry tracing: a span per GraphQL operation and per Cypher statement.

Off unless asked for (``settings.otel``: ``LTSA_OTEL=on`` or ``OTEL_EXPORTER_OTLP_ENDPOINT`` set) *and*
the ``otel`` extra is installed (opentelemetry-api, opentelemetry-sdk,
opentelemetry-exporter-otlp-proto-http). While off, nothing from ``opentelemetry`` is imported.
When on, spans go to the OTLP/HTTP exporter, which reads the standard ``OTEL_*`` variables
(endpoint, headers, service name via ``OTEL_SERVICE_NAME``); an incoming W3C ``traceparent`` (the
router's) becomes the parent of the operation span.

Span attributes name the statement (parameterised Cypher text or the query function) and never a
parameter value: values may be identifiers.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

log = logging.getLogger(__name__)

AttributeValue = str | int | float | bool


class Tracing:
    """Starts spans on ``tracer`` (an OpenTelemetry ``Tracer``), or does nothing when it is None."""

    def __init__(self, tracer: Any = None) -> None:
        self.tracer = tracer

    @property
    def enabled(self) -> bool:
        return self.tracer is not None

    @contextlib.contextmanager
    def span(
        self,
        name: str,
        attributes: Mapping[str, AttributeValue],
        carrier: Mapping[str, str] | None = None,
    ) -> Iterator[Any]:
        """A current span named ``name``; ``carrier`` (request headers) may hold its remote parent.

        An exception leaving the block is recorded on the span (status ERROR) and re-raised.
        """
        if self.tracer is None:
            yield None
            return
        parent = None
        if carrier is not None:
            from opentelemetry.propagate import extract

            parent = extract(carrier)
        with self.tracer.start_as_current_span(name, context=parent, attributes=dict(attributes)) as span:
            yield span


def otel_installed() -> bool:
    try:  # find_spec of a dotted name imports the parents: a missing parent raises
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("opentelemetry.sdk", "opentelemetry.exporter.otlp.proto.http")
        )
    except ModuleNotFoundError:
        return False


def tracing_from_settings(enabled: bool, service_name: str) -> Tracing:
    """A tracer exporting over OTLP/HTTP when ``enabled`` and the packages exist; else a no-op."""
    if not enabled:
        return Tracing()
    if not otel_installed():
        log.warning(
            "tracing was asked for (LTSA_OTEL / OTEL_EXPORTER_OTLP_ENDPOINT) but the otel extra is not "
            "installed; serving without traces"
        )
        return Tracing()
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # Attributes given here would override OTEL_SERVICE_NAME, so the default name is given only without it.
    named = {} if os.environ.get("OTEL_SERVICE_NAME", "").strip() else {"service.name": service_name}
    provider = TracerProvider(resource=Resource.create(named))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return Tracing(trace.get_tracer("gateway"))
