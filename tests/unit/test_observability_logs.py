"""Log lines: JSON or text, each with the request id, identifiers masked, never printed twice."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from gateway.observability.log_format import HANDLER_NAME, adopt_server_loggers, configure_logging
from gateway.observability.request_id import bind_request_id, unbind_request_id
from gateway.observability.settings import LogFormat

NIK = "3201010101900001"
PHONE = "+6281234567890"
log = logging.getLogger("gateway.tests.observability")


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def json_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_a_json_line_carries_the_request_id_of_the_request_it_was_written_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(LogFormat.JSON, logging.INFO)
    token = bind_request_id("req-42")
    try:
        log.info("looking up a person")
    finally:
        unbind_request_id(token)
    log.warning("between requests")
    inside, outside = json_lines(capsys.readouterr().out)
    assert inside == {
        "ts": inside["ts"],
        "level": "INFO",
        "logger": "gateway.tests.observability",
        "msg": "looking up a person",
        "request_id": "req-42",
    }
    assert inside["ts"].endswith("+00:00")
    assert outside["request_id"] is None and outside["level"] == "WARNING"


def test_identifiers_are_masked_in_message_arguments_extra_fields_and_tracebacks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(LogFormat.JSON, logging.INFO)
    try:
        raise LookupError(f"no person with NIK {NIK}")
    except LookupError:
        log.exception("lookup of %s by %s failed", NIK, PHONE, extra={"path": f"/p/{NIK}", "status": 500})
    out = capsys.readouterr().out
    [line] = json_lines(out)
    assert NIK not in out and PHONE not in out
    assert line["msg"] == "lookup of 3201********0001 by +62812*****890 failed"
    assert line["path"] == "/p/3201********0001" and line["status"] == 500
    assert "LookupError: no person with NIK 3201********0001" in line["exc"]


def test_text_lines_are_readable_and_carry_the_request_id_too(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(LogFormat.TEXT, logging.INFO)
    token = bind_request_id("req-7")
    try:
        log.info("served %s", NIK, extra={"method": "POST", "status": 200})
    finally:
        unbind_request_id(token)
    log.info("idle")
    served, idle = capsys.readouterr().out.splitlines()
    assert served.endswith(
        "INFO gateway.tests.observability [req-7] served 3201********0001 method=POST status=200"
    )
    assert idle.endswith("INFO gateway.tests.observability [-] idle")


def test_configuring_twice_keeps_one_handler_and_the_level(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(LogFormat.TEXT, logging.INFO)
    configure_logging(LogFormat.JSON, logging.WARNING)
    assert [h.get_name() for h in logging.getLogger().handlers].count(HANDLER_NAME) == 1
    log.info("below the level")
    log.warning("once")
    assert [line["msg"] for line in json_lines(capsys.readouterr().out)] == ["once"]


def test_uvicorn_lines_go_through_our_handler_and_its_access_log_is_silenced(
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, access = logging.getLogger("uvicorn.error"), logging.getLogger("uvicorn.access")
    saved = [
        (lg, list(lg.handlers), lg.propagate, lg.disabled)
        for lg in (logging.getLogger("uvicorn"), server, access)
    ]
    try:
        configure_logging(LogFormat.JSON, logging.INFO)
        adopt_server_loggers()
        server.info("Application startup complete.")
        access.info('127.0.0.1:5000 - "POST /graphql HTTP/1.1" 200')
        [line] = json_lines(capsys.readouterr().out)
        assert line["logger"] == "uvicorn.error" and line["msg"] == "Application startup complete."
    finally:
        for logger, handlers, propagate, disabled in saved:
            logger.handlers[:], logger.propagate, logger.disabled = handlers, propagate, disabled
