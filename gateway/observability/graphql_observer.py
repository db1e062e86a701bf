"""Per GraphQL operation: the operation counter and latency histogram, round trips, and a span.

The extension is listed first among the schema's extensions, so its ``on_operation`` wraps all the
others: the time includes parsing, validation, execution and the audit write, and the outcome sees a
response the audit trail withheld. Outcome ``error`` means the response carries errors (a refused
document, a resolver error, a lost database); ``ok`` means it carries none.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from .http_observer import OPERATION_KEY
from .metrics import GatewayMetrics
from .operation_names import safe_operation_name
from .tracing import Tracing


def _operation_type(execution_context: ExecutionContext) -> str:
    try:
        return execution_context.operation_type.value
    except (RuntimeError, ValueError):  # no parsable document, or the named operation is missing
        return "unknown"


def _has_errors(execution_context: ExecutionContext) -> bool:
    if execution_context.pre_execution_errors:
        return True
    return bool(getattr(execution_context.result, "errors", None))


class OperationObserver(SchemaExtension):
    def __init__(self, metrics: GatewayMetrics, tracing: Tracing) -> None:
        super().__init__()
        self.metrics = metrics
        self.tracing = tracing

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        request = getattr(context, "request", None)
        # The caller's traceparent, when spans are made at all.
        carrier = dict(request.headers) if request is not None and self.tracing.enabled else None
        started = time.perf_counter()
        with self.tracing.span("graphql.operation", {}, carrier) as span:
            yield
            # Known only now: the document is parsed inside the operation.
            name = safe_operation_name(self.execution_context.operation_name)
            operation_type = _operation_type(self.execution_context)
            outcome = "error" if _has_errors(self.execution_context) else "ok"
            if span is not None:
                span.set_attribute("graphql.operation.name", name)
                span.set_attribute("graphql.operation.type", operation_type)
                span.set_attribute("ltsa.outcome", outcome)
        elapsed = time.perf_counter() - started
        label = self.metrics.operation_names.label(name)
        self.metrics.graphql_operations.labels(label, operation_type, outcome).inc()
        self.metrics.graphql_duration.labels(label, operation_type, outcome).observe(elapsed)
        runner = getattr(context, "runner", None)
        if runner is not None:
            self.metrics.cypher_round_trips.observe(runner.round_trips)
        if request is not None:
            request.scope[OPERATION_KEY] = name


def operation_observer(metrics: GatewayMetrics, tracing: Tracing) -> Callable[[], SchemaExtension]:
    """A factory strawberry calls once per operation (extensions keep per-request state)."""
    return lambda: OperationObserver(metrics, tracing)
