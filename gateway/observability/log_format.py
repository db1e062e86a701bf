"""Log lines: one JSON object per line (production) or readable text (development), with request ids.

Every record gets ``request_id`` from the request being served (``request_id``), or null outside a
request. Identifiers are masked before formatting by the scrubbing filter of ``privacy.log_filter``
(installed on the same handler); fields a line adds through ``extra`` (the access line's path,
operation name) are scrubbed here as well, since that filter renders only message and traceback.

JSON fields: ``ts`` (UTC, ISO 8601, milliseconds), ``level``, ``logger``, ``msg``, ``request_id``,
``exc`` (a scrubbed traceback, when there is one) and the access fields (``ACCESS_FIELDS``).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Final, TextIO

from ..privacy.log_filter import install_scrubbing
from ..privacy.masking import scrub_text
from .request_id import current_request_id
from .settings import LogFormat

# Fields the access line adds (``extra=``); never the token, never query variables.
ACCESS_FIELDS: Final = ("method", "path", "status", "duration_ms", "operation", "sub", "role")
HANDLER_NAME: Final = "ltsa"
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


def _access_fields(record: logging.LogRecord) -> dict[str, Any]:
    found = {name: getattr(record, name) for name in ACCESS_FIELDS if hasattr(record, name)}
    return {name: scrub_text(v) if isinstance(v, str) else v for name, v in found.items()}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            **_access_fields(record),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub_text(self.formatException(record.exc_info))
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", None) or "-"  # "-": outside a request
        text = super().format(record)
        fields = _access_fields(record)
        return f"{text} {' '.join(f'{k}={v}' for k, v in fields.items())}" if fields else text


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at the time (a test runner may swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass  # StreamHandler.__init__ assigns one; the property always answers sys.stdout


def configure_logging(log_format: LogFormat, level: int) -> logging.Handler:
    """One handler on the root logger writing ``log_format`` lines to stdout (replacing an earlier
    one of ours, so building the app twice does not print every line twice)."""
    # No format of ours prints thread or process names, and collecting them is part of every record
    # (the logging HOWTO's "Optimization" section): the access line costs less without them.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
    handler = _StdoutHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if log_format is LogFormat.JSON else TextFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    install_scrubbing()  # after adding: it attaches the identifier scrubber to the root's handlers
    return handler


def adopt_server_loggers() -> None:
    """Send uvicorn's own lines through our handler (same format, request ids) and silence its access
    log: our access line (``http_observer``) says the same and more (request id, operation, subject)."""
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
