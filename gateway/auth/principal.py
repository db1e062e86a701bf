"""Who is asking: the verified subject, their role, and the purpose they declared for this request.

Purpose rule (``X-Purpose`` header): either a case number ``CASE-<year>-<4 to 6 digits>`` (e.g.
``CASE-2026-0001``) or an LTSA reference ``LTSA/<segment>[/<segment>…]`` with one to four segments of
capital letters, digits and hyphens (e.g. ``LTSA/3201/2026-014``); 64 characters at most. UU PDP 27/2022
Art. 16(2) binds processing to a purpose, so a purpose must name something an auditor can look up,
not free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

PURPOSE_HEADER: Final = "x-purpose"
MAX_PURPOSE_LENGTH: Final = 64
_PURPOSE: Final = re.compile(r"CASE-20\d{2}-\d{4,6}|LTSA(/[A-Z0-9][A-Z0-9-]{0,19}){1,4}")


class Role(Enum):
    APP = "app"  # government applications: person and placement reads, identifiers masked
    STEWARD = "steward"  # match review, decisions, unmerge
    INVESTIGATOR = "investigator"  # relationship tracing and risk; full identifiers with a purpose
    ADMIN = "admin"  # the audit trail


class InvalidPurpose(ValueError):
    """The declared purpose does not follow the purpose rule; the message says the rule."""


def parse_purpose(header: str | None) -> str | None:
    """The declared purpose, None when none was declared, ``InvalidPurpose`` when malformed."""
    if header is None or not header.strip():
        return None
    purpose = header.strip()
    if len(purpose) > MAX_PURPOSE_LENGTH or not _PURPOSE.fullmatch(purpose):
        raise InvalidPurpose(
            "X-Purpose must be a case number like CASE-2026-0001 or an LTSA reference like "
            f"LTSA/3201/2026-014 (at most {MAX_PURPOSE_LENGTH} characters)"
        )
    return purpose


@dataclass(frozen=True)
class Principal:
    sub: str
    role: Role
    purpose: str | None = None
