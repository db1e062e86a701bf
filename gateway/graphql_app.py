"""Strawberry's ASGI app with our request context and error codes.

GraphiQL is served in development and switched off when ``LTSA_ENV=production``. Errors caused by a
lost database carry ``extensions.code = DATABASE_UNAVAILABLE`` so clients can tell "try again later"
from "your query is wrong".
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.federation import Schema
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from .coalesce import ReadCoalescer
from .context import RequestContext
from .observability.cypher import UNOBSERVED, CypherObserver
from .runner import DEFAULT_READ_RETRY_S, CypherRunner, DatabaseUnavailable


def _error_code(error: GraphQLError) -> str | None:
    return "DATABASE_UNAVAILABLE" if isinstance(error.original_error, DatabaseUnavailable) else None


class GatewayGraphQL(GraphQL[RequestContext, None]):
    def __init__(
        self,
        schema: Schema,
        database: str,
        *,
        graphiql: bool,
        observer: CypherObserver = UNOBSERVED,
        read_retry_s: float = DEFAULT_READ_RETRY_S,
        coalescer: ReadCoalescer | None = None,
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None, allow_queries_via_get=False)
        self.database = database
        self.observer = observer  # times every Cypher statement of every request
        self.read_retry_s = read_retry_s  # how long a read is retried while Neo4j is unreachable
        self.coalescer = coalescer or ReadCoalescer()  # the process's: requests' reads share statements

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        assert isinstance(request, Request)  # no subscriptions: HTTP only
        state = request.app.state
        runner = CypherRunner(
            state.driver, self.database, self.observer, read_retry_s=self.read_retry_s, reader=state.reader
        )
        return RequestContext(request=request, runner=runner, coalescer=self.coalescer)

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        assert isinstance(request, Request)  # no subscriptions: HTTP only
        processed: dict[str, Any] = dict(await super().process_result(request, result))
        for error, formatted in zip(result.errors or [], processed.get("errors", []), strict=False):
            code = _error_code(error)
            if code:
                formatted.setdefault("extensions", {})["code"] = code
        return processed  # type: ignore[return-value]
