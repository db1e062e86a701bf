"""KK number (Nomor Kartu Keluarga, family-card number): same shape as a NIK, different meaning.

``PPKKCC DDMMYY SSSS``: region of issue, the card's issue date (no +40: it is not a person's date) and a
serial. Issue codes are the NIK ones (``length``, ``unknown_region``, ``bad_date`` …).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .dates import expand_year
from .nik import BAD_DATE, ID_LENGTH, UNKNOWN_REGION, clean_id_number, known_regency


@dataclass(frozen=True)
class ParsedKk:
    digits: str = ""
    issue_date: str = ""  # ISO date the card was issued, decoded from digits 7–12
    region_code: str = ""
    issues: tuple[str, ...] = ()


def parse_kk(raw: str, *, today: dt.date | None = None) -> ParsedKk:
    digits, issues = clean_id_number(raw)
    if len(digits) != ID_LENGTH:
        return ParsedKk(digits, issues=issues)
    region_code = known_regency(digits)
    found = [] if region_code else [UNKNOWN_REGION]
    year = expand_year(int(digits[10:12]), (today or dt.date.today()).year)
    try:
        issued = dt.date(year, int(digits[8:10]), int(digits[6:8])).isoformat()
    except ValueError:
        issued = ""
        found.append(BAD_DATE)
    return ParsedKk(digits, issued, region_code, tuple(found))
