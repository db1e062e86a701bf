"""GraphQL operation names as metric labels, capped so a client cannot multiply the time series.

The name is chosen by the client. A label keeps it only when it is a GraphQL name of at most 64
characters that holds nothing the identifier scrubber would mask (``query q3201010101900001`` must
not put a NIK into a metric), and only while fewer than ``limit`` distinct names have been seen;
everything else is ``other``. Unnamed operations are ``anonymous``.
"""

from __future__ import annotations

import re
import threading
from typing import Final

from ..privacy.masking import scrub_text

ANONYMOUS: Final = "anonymous"
OTHER: Final = "other"
MAX_NAME_LENGTH: Final = 64
_GRAPHQL_NAME: Final = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def safe_operation_name(name: str | None) -> str:
    """The name when it is well formed and free of identifiers, else ``other`` (no cap applied)."""
    if not name:
        return ANONYMOUS
    if len(name) > MAX_NAME_LENGTH or not _GRAPHQL_NAME.fullmatch(name) or scrub_text(name) != name:
        return OTHER
    return name


class OperationNames:
    """Remembers the first ``limit`` distinct names; later new names are labelled ``other``."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"the operation name limit must be at least 1, got {limit}")
        self.limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()  # metrics may be recorded from worker threads too

    def label(self, safe: str) -> str:
        """The label for ``safe`` (a ``safe_operation_name`` result): itself while under the cap."""
        if safe in (ANONYMOUS, OTHER):
            return safe
        with self._lock:
            if safe in self._seen:
                return safe
            if len(self._seen) < self.limit:
                self._seen.add(safe)
                return safe
        return OTHER
