"""Everything observability adds to one subgraph app, built once in ``gateway.app.create_app``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from strawberry import Schema

from .cypher import CypherObserver
from .graphql_observer import operation_observer
from .http_observer import HttpObserver
from .linkage_figures import LinkageFigures
from .log_format import configure_logging
from .metrics import GatewayMetrics
from .settings import MetricsAccess, ObservabilitySettings
from .tracing import Tracing, tracing_from_settings

METRICS_PATH: Final = "/metrics"


@dataclass
class Observability:
    settings: ObservabilitySettings
    metrics: GatewayMetrics
    tracing: Tracing
    figures: LinkageFigures

    @classmethod
    def create(
        cls, settings: ObservabilitySettings, service_name: str, tracing: Tracing | None = None
    ) -> Observability:
        """Fresh metrics (own registry); ``tracing`` given by tests, else from the settings."""
        metrics = GatewayMetrics(settings.max_operations)
        figures = LinkageFigures(settings.graph_ttl_s)
        metrics.registry.register(figures)
        return cls(settings, metrics, tracing or tracing_from_settings(settings.otel, service_name), figures)

    @classmethod
    def from_env(cls, service_name: str) -> Observability:
        return cls.create(ObservabilitySettings.from_env(), service_name)

    def configure_logging(self) -> None:
        configure_logging(self.settings.log_format, self.settings.log_level)

    @property
    def cypher_observer(self) -> CypherObserver:
        return CypherObserver(self.metrics, self.tracing)

    def instrument(self, schema: Schema) -> None:
        """Put the operation observer first, so it wraps every other extension (see graphql_observer)."""
        schema.extensions = (operation_observer(self.metrics, self.tracing), *schema.extensions)

    def is_open(self, path: str) -> bool:
        """Whether ``path`` is ``/metrics`` served without a token."""
        return path == METRICS_PATH and self.settings.metrics is MetricsAccess.OPEN

    def routes(self, database: str) -> list[BaseRoute]:
        if self.settings.metrics is MetricsAccess.OFF:
            return []
        return [Route(METRICS_PATH, self._metrics_endpoint(database), methods=["GET"])]

    def middleware(self, routes: Sequence[BaseRoute]) -> Middleware:
        return Middleware(HttpObserver, metrics=self.metrics, routes=routes)

    def neo4j_checked(self, connected: bool) -> None:
        self.metrics.neo4j_up.set(1 if connected else 0)

    def _metrics_endpoint(self, database: str) -> Callable[[Request], Awaitable[Response]]:
        async def scrape(request: Request) -> Response:
            reachable = await self.figures.refresh_if_stale(request.app.state.driver, database)
            if reachable is not None:
                self.neo4j_checked(reachable)
            return self.metrics.exposition()

        return scrape
