"""The outermost middleware: request id, HTTP metrics and one access line per request.

It runs before the body limit and the token check, so refused requests (413, 401, 429) are counted,
logged and answered with their ``X-Request-Id`` too. Labels: the route *template* the request matches
(``/graphql``, ``/healthz``; ``unmatched`` for anything else, so scanning random paths adds no time
series), the method when it is a standard one (else ``other``) and the status code.

The access line (logger ``gateway.access``) has method, path, status, duration_ms, the GraphQL
operation name (set by ``graphql_observer``), and the token's subject and role when one was verified.
It never has the token, the query string or the GraphQL variables. Successful probes and scrapes
(``ROUTINE_ROUTES``) are logged at DEBUG, everything else at INFO.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..auth.middleware import PRINCIPAL_KEY
from ..auth.principal import Principal
from .metrics import GatewayMetrics
from .request_id import REQUEST_ID_HEADER, accepted_request_id, bind_request_id, unbind_request_id

OPERATION_KEY: Final = "ltsa.operation"  # scope key: the GraphQL operation name, for the access line
UNMATCHED: Final = "unmatched"
METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Probes and scrapes arrive every few seconds from every kubelet and Prometheus: their successful
# answers are logged at DEBUG (still counted), so the log at INFO is about requests people made.
ROUTINE_ROUTES: Final = frozenset({"/healthz", "/readyz", "/metrics"})
MAX_LOGGED_PATH: Final = 200  # a scanner's path can be kilobytes long

access_log = logging.getLogger("gateway.access")


def route_label(routes: Sequence[BaseRoute], scope: Scope) -> str:
    for route in routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            return str(getattr(route, "path", UNMATCHED))
    return UNMATCHED


class HttpObserver:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accepted_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        token = bind_request_id(request_id)
        status = 500  # what the client gets when the app fails before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self._record(scope, status, elapsed)
            unbind_request_id(token)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route = route_label(self.routes, scope)
        method = scope["method"] if scope["method"] in METHODS else "other"
        self.metrics.http_requests.labels(route, method, str(status)).inc()
        self.metrics.http_duration.labels(route, method).observe(elapsed)
        principal = scope.get(PRINCIPAL_KEY)
        fields: dict[str, object] = {
            "method": method,
            "path": scope["path"][:MAX_LOGGED_PATH],
            "status": status,
            "duration_ms": round(elapsed * 1000, 3),
        }
        if OPERATION_KEY in scope:
            fields["operation"] = scope[OPERATION_KEY]
        if isinstance(principal, Principal):
            fields.update(sub=principal.sub, role=principal.role.value)
        level = logging.DEBUG if route in ROUTINE_ROUTES and status < 400 else logging.INFO
        access_log.log(level, "%s %s %d", method, fields["path"], status, extra=fields)
