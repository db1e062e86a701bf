"""The request id: taken from ``X-Request-Id`` when it is safe, made up otherwise, one per request.

It lives in a context variable for the length of the request, so every log line written while the
request is served (``log_format``) and every audit event it causes (``privacy.access_log``) carry
the same id: an auditor joins the audit trail and the logs on it.

An incoming id is kept only when it is short (1–64 characters), uses ``[A-Za-z0-9._-]`` only, and
holds nothing the identifier scrubber would mask (a client could send a NIK as its "request id");
anything else is replaced, never echoed.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token
from typing import Final

from ..privacy.masking import scrub_text

REQUEST_ID_HEADER: Final = "x-request-id"
MAX_LENGTH: Final = 64
_SAFE: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("ltsa_request_id", default=None)


def new_request_id() -> str:
    """32 hex characters. A random one can hold a run of 16+ digits, which the scrubber would take
    for a NIK and mask in some places but not others; such a draw is not used."""
    while True:
        candidate = uuid.uuid4().hex
        if scrub_text(candidate) == candidate:
            return candidate


def accepted_request_id(incoming: str | None) -> str:
    """``incoming`` when it is a safe id, a fresh one otherwise."""
    if incoming is not None and _SAFE.fullmatch(incoming) and scrub_text(incoming) == incoming:
        return incoming
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request being served in this context; None outside a request."""
    return _current.get()


def bind_request_id(request_id: str) -> Token[str | None]:
    """Make ``request_id`` current; returns the token ``unbind_request_id`` needs."""
    return _current.set(request_id)


def unbind_request_id(token: Token[str | None]) -> None:
    _current.reset(token)
