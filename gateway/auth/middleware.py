"""An ASGI wrapper that lets a request through only with a valid Bearer token.

On success the request scope carries ``scope["principal"]`` (``Principal``: subject, role and the
purpose declared in ``X-Purpose``). A missing or bad token answers 401 with one fixed JSON body, the
same for every cause, so a caller cannot probe which check failed; the cause goes to the server log
(never the token). A malformed ``X-Purpose`` answers 400 and says the rule. Open without a token:
health probes, and a browser's plain GET of the GraphiQL page (static HTML, no data; queries it then
sends carry the token the user enters; in production there is no GraphiQL and the GET is a 404).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .principal import PURPOSE_HEADER, InvalidPurpose, Principal, parse_purpose
from .verify import TokenRejected, TokenVerifier

HEALTH_PATHS: Final = frozenset({"/healthz", "/readyz"})
PRINCIPAL_KEY: Final = "principal"
POLICY_VIOLATION: Final = 1008  # WebSocket close code

log = logging.getLogger(__name__)


def _error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


def unauthorized() -> JSONResponse:
    response = _error(401, "unauthorized", "UNAUTHENTICATED")
    response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def principal_of(connection: HTTPConnection) -> Principal | None:
    """The principal the middleware verified, None when the request did not pass through it."""
    found = connection.scope.get(PRINCIPAL_KEY)
    return found if isinstance(found, Principal) else None


def is_health_path(path: str) -> bool:
    return path in HEALTH_PATHS


def _ide_page(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET" or scope.get("query_string"):
        return False
    return "text/html" in Headers(scope=scope).get("accept", "")


class AuthMiddleware:
    def __init__(
        self, app: ASGIApp, verifier: TokenVerifier, is_open: Callable[[str], bool] = is_health_path
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.is_open = is_open  # paths that carry no data: health probes, static page shells

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.is_open(scope["path"]) or _ide_page(scope):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        scheme, _, token = headers.get("authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise TokenRejected("no Bearer token")
            verified = await self.verifier.verify(token.strip())
        except TokenRejected as rejected:
            log.info("token rejected on %s: %s", scope["path"], rejected.reason)
            await self._refuse(scope, receive, send, unauthorized())
            return
        try:
            purpose = parse_purpose(headers.get(PURPOSE_HEADER))
        except InvalidPurpose as exc:
            await self._refuse(scope, receive, send, _error(400, str(exc), "BAD_PURPOSE"))
            return
        scope[PRINCIPAL_KEY] = Principal(sub=verified.sub, role=verified.role, purpose=purpose)
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, response: JSONResponse) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        await response(scope, receive, send)
