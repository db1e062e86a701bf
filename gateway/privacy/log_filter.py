"""A logging filter that masks identifiers in every record before any handler writes it.

Resolver errors are logged with their traceback, and a traceback can quote an argument (a NIK asked
for, a phone number in a Cypher parameter). The filter renders message, arguments and traceback into
one string, scrubs it (``masking.scrub_text``) and leaves nothing unscrubbed on the record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from .masking import scrub_text

GATEWAY_LOGGERS: Final = ("", "strawberry", "strawberry.execution", "uvicorn", "uvicorn.error", "gateway")


class IdentifierScrubbingFilter(logging.Filter):
    _formatter: Final = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub_text(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = scrub_text(self._formatter.formatException(record.exc_info))
            record.exc_info = None  # the scrubbed exc_text is what handlers print
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        return True


def install_scrubbing(logger_names: Iterable[str] = GATEWAY_LOGGERS) -> IdentifierScrubbingFilter:
    """Attach one filter to the named loggers and to every handler they have (idempotent).

    Logger filters see only records logged on that logger itself; handler filters also see records
    propagated from child loggers, so both are covered.
    """
    scrubber = next(
        (f for f in logging.getLogger().filters if isinstance(f, IdentifierScrubbingFilter)),
        IdentifierScrubbingFilter(),
    )
    for name in logger_names:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            if not any(isinstance(f, IdentifierScrubbingFilter) for f in target.filters):
                target.addFilter(scrubber)
    return scrubber
