"""The HTTP observer on a small Starlette app: route templates as labels, the id on every answer."""

from __future__ import annotations

import logging

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from gateway.observability.http_observer import HttpObserver
from gateway.observability.metrics import GatewayMetrics
from gateway.observability.request_id import current_request_id
from tests.metrics_scrape import label_values, parse_scrape, value


async def echo_id(request: Request) -> PlainTextResponse:
    return PlainTextResponse(current_request_id() or "")


async def fail(request: Request) -> PlainTextResponse:
    raise RuntimeError("a bug")


def observed_app(metrics: GatewayMetrics) -> Starlette:
    routes = [Route("/people/{person_id}", echo_id), Route("/fail", fail)]
    return Starlette(routes=routes, middleware=[Middleware(HttpObserver, metrics=metrics, routes=routes)])


def test_the_label_is_the_route_template_and_the_handler_sees_the_request_id() -> None:
    metrics = GatewayMetrics()
    with TestClient(observed_app(metrics)) as client:
        for person in ("P-1", "P-2", "P-3"):
            response = client.get(f"/people/{person}", headers={"X-Request-Id": f"r-{person}"})
            assert response.text == response.headers["x-request-id"] == f"r-{person}"
        client.request("BREW", "/people/P-1")
        client.get("/nowhere")
    samples = parse_scrape(bytes(metrics.exposition().body).decode())
    assert (
        value(samples, "ltsa_http_requests_total", route="/people/{person_id}", method="GET", status="200")
        == 3
    )
    assert (
        value(samples, "ltsa_http_requests_total", route="/people/{person_id}", method="other", status="405")
        == 1
    )
    assert value(samples, "ltsa_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert label_values(samples, "ltsa_http_request_duration_seconds_count", "route") == {
        "/people/{person_id}",
        "unmatched",
    }


def test_a_failing_handler_is_counted_as_500_and_the_error_still_propagates() -> None:
    metrics = GatewayMetrics()
    with (
        TestClient(observed_app(metrics), raise_server_exceptions=True) as client,
        pytest.raises(RuntimeError),
    ):
        client.get("/fail")
    samples = parse_scrape(bytes(metrics.exposition().body).decode())
    assert value(samples, "ltsa_http_requests_total", route="/fail", method="GET", status="500") == 1


async def not_ready(request: Request) -> PlainTextResponse:
    return PlainTextResponse("neo4j down", status_code=503)


def test_successful_probes_are_logged_at_debug_and_everything_else_at_info(
    caplog: pytest.LogCaptureFixture,
) -> None:
    routes = [Route("/healthz", echo_id), Route("/readyz", not_ready), Route("/people/{person_id}", echo_id)]
    app = Starlette(
        routes=routes, middleware=[Middleware(HttpObserver, metrics=GatewayMetrics(), routes=routes)]
    )
    with caplog.at_level(logging.DEBUG, logger="gateway.access"), TestClient(app) as client:
        for path in ("/healthz", "/readyz", "/people/P-1"):
            client.get(path)
    levels = {r.getMessage(): r.levelname for r in caplog.records if r.name == "gateway.access"}
    assert levels == {"GET /healthz 200": "DEBUG", "GET /readyz 503": "INFO", "GET /people/P-1 200": "INFO"}
