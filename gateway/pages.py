"""The steward and investigator pages: static files built from web/ (``npm ci && npm run build``).

``/review``, ``/explore``, ``/coverage`` and ``/login`` are HTML shells; their scripts and styles are
under ``/pages/assets``. The pages hold no data: everything they show comes from the public GraphQL
API, called from the browser with the user's Bearer token, so these routes need no token themselves.

Environment: ``LTSA_GRAPHQL_URL`` — the GraphQL endpoint the pages call (default ``/graphql``, the
serving process; set it to the federation router's URL when the pages need both subgraphs);
``LTSA_WEB_DIST`` — the built folder (default ``web/dist``); ``LTSA_DEV_LOGIN=1`` — offer
development tokens by role on /login (refused when ``LTSA_ENV=production`` or without
``LTSA_JWT_SECRET``): anyone who can reach the page gets any role, so it is for development only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from .auth.dev_tokens import mint_token
from .auth.principal import Role

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
PAGES: Final = ("review", "explore", "coverage", "login")
ASSETS_PREFIX: Final = "/pages/"
# Paths the token check must let through: the shells, their assets, config and the dev login.
PUBLIC_PATHS: Final = frozenset(f"/{page}" for page in PAGES)
DEV_TOKEN_TTL_S: Final = 8 * 3600
NOT_BUILT: Final = "the web pages are not built: run `npm ci && npm run build` in web/"


def is_public_path(path: str) -> bool:
    """True for page routes, which carry no data and must load before the user has a token."""
    return path in PUBLIC_PATHS or path.startswith(ASSETS_PREFIX)


def web_dist() -> Path:
    return Path(os.environ.get("LTSA_WEB_DIST") or PROJECT_ROOT / "web" / "dist")


def graphql_url() -> str:
    return os.environ.get("LTSA_GRAPHQL_URL", "").strip() or "/graphql"


def dev_login_secret() -> str | None:
    """The signing secret when development login is switched on and allowed, else None."""
    if os.environ.get("LTSA_DEV_LOGIN", "").strip() != "1":
        return None
    if os.environ.get("LTSA_ENV", "development").strip().lower() == "production":
        return None
    return os.environ.get("LTSA_JWT_SECRET", "").strip() or None


def content_security_policy() -> str:
    # The pages call only their own origin and, when configured, the router's; inline styles are
    # needed for computed widths (waterfall bars) and cytoscape's canvas; PNG export uses data: URLs.
    target = urlsplit(graphql_url())
    connect = "'self'" + (f" {target.scheme}://{target.netloc}" if target.netloc else "")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: blob:; connect-src {connect}; frame-ancestors 'none'; base-uri 'none'"
    )


def _harden(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(name: str) -> Route:
    async def shell(request: Request) -> Response:
        html = web_dist() / f"{name}.html"
        if not html.is_file():
            return PlainTextResponse(NOT_BUILT, status_code=503)
        return _harden(FileResponse(html, media_type="text/html; charset=utf-8"))

    return Route(f"/{name}", shell, methods=["GET", "HEAD"], name=f"page-{name}")


async def config(request: Request) -> JSONResponse:
    enabled = dev_login_secret() is not None
    roles = [role.value for role in Role] if enabled else []
    return JSONResponse({"graphqlUrl": graphql_url(), "devLogin": enabled, "roles": roles})


async def dev_token(request: Request) -> JSONResponse:
    secret = dev_login_secret()
    if secret is None:
        return JSONResponse({"error": "development login is off (LTSA_DEV_LOGIN=1 enables it)"}, 404)
    try:
        body = await request.json()
        role = Role(body["role"])
    except (ValueError, KeyError, TypeError):
        roles = ", ".join(r.value for r in Role)
        return JSONResponse({"error": f'send {{"role": one of {roles}}}'}, 400)
    token = mint_token(
        secret,
        f"dev-{role.value}",
        role,
        DEV_TOKEN_TTL_S,
        # The same claims `ltsa token` sets, so the gateway's verifier accepts both alike.
        issuer=os.environ.get("LTSA_JWT_ISSUER") or None,
        audience=os.environ.get("LTSA_JWT_AUDIENCE") or None,
    )
    return JSONResponse({"token": token}, headers={"Cache-Control": "no-store"})


class Assets:
    """The built scripts and styles; a clear 503 instead of a 404 storm when web/ was not built."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        folder = web_dist() / "assets"
        if not folder.is_dir():
            response: Response = PlainTextResponse(NOT_BUILT, status_code=503)
        else:
            files = StaticFiles(directory=folder)
            response = await files.get_response(files.get_path(scope), scope)
            if response.status_code == 200:
                _harden(response)
        await response(scope, receive, send)


def page_routes() -> list[BaseRoute]:
    """Routes to add to the gateway's Starlette app."""
    return [
        *(_page(name) for name in PAGES),
        Route("/pages/config.json", config, methods=["GET"]),
        Route("/pages/dev-token", dev_token, methods=["POST"]),
        Mount("/pages/assets", app=Assets()),
    ]
