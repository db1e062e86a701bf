"""Dates as Indonesian silos write them → ISO ``yyyy-mm-dd``.

Handles numeric day-first forms (dd-mm-yyyy, dd/mm/yy, ddmmyyyy, ddmmyy), ISO (yyyy-mm-dd, yyyymmdd),
Indonesian and English month names and their abbreviations (``12 Pebruari 1990``, ``5 Agt 85``,
``March 3, 1990``), Excel serial numbers (``32874``) and a trailing time of day from spreadsheet exports.

Ambiguity is kept, not guessed away: when neither the format nor the values say which number is the day
(``05/06/1990``) the day-first reading is primary, the month-first reading is the alternative, and the
result is flagged ``ambiguous``. Impossible dates are flagged ``invalid``, a bare year (``1965``,
``00-00-1965``) ``partial``, and a system default such as 1900-01-01 ``placeholder``; none gives a value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .text import fold, is_missing

MONTHS: Final = {
    **dict.fromkeys(("JANUARI", "JANUARY", "JAN"), 1),
    **dict.fromkeys(("FEBRUARI", "PEBRUARI", "FEBUARI", "PEBUARI", "FEBRUARY", "FEB", "PEB", "PEBR"), 2),
    **dict.fromkeys(("MARET", "MARCH", "MAR", "MRT"), 3),
    **dict.fromkeys(("APRIL", "APR", "APRL"), 4),
    **dict.fromkeys(("MEI", "MAY"), 5),
    **dict.fromkeys(("JUNI", "JUNE", "JUN"), 6),
    **dict.fromkeys(("JULI", "JULY", "JUL"), 7),
    **dict.fromkeys(("AGUSTUS", "AUGUST", "AGU", "AGS", "AGT", "AGST", "AGUST", "AUG"), 8),
    **dict.fromkeys(("SEPTEMBER", "SEP", "SEPT", "SEPTEMBRE"), 9),
    **dict.fromkeys(("OKTOBER", "OCTOBER", "OKT", "OCT"), 10),
    **dict.fromkeys(("NOVEMBER", "NOPEMBER", "NOV", "NOP"), 11),
    **dict.fromkeys(("DESEMBER", "DECEMBER", "DES", "DEC"), 12),
}
# Words that may surround a date and carry no date information.
_NOISE_WORDS: Final = frozenset(
    {
        "TGL",
        "TANGGAL",
        "SENIN",
        "SELASA",
        "RABU",
        "KAMIS",
        "JUMAT",
        "SABTU",
        "MINGGU",
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
        "TH",
        "ST",
        "ND",
        "RD",
    }
)
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}[:.]\d{2}([:.]\d{2}(\.\d+)?)?\s*(AM|PM)?$")
_TOKENS = re.compile(r"\d+|[A-Z]+")
_EXCEL_SERIAL = re.compile(r"^(\d{5})(\.\d+)?$")  # a fraction is the time of day
# Excel's day 0 is 1899-12-30 once its fictitious 1900-02-29 is accounted for.
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)

AMBIGUOUS: Final = "ambiguous"
INVALID: Final = "invalid"
FUTURE: Final = "future"
PARTIAL: Final = "partial"
PLACEHOLDER: Final = "placeholder"
# Dates systems write when they have none: 1 Jan 1900, the Unix epoch, Excel's day 0 and day 1. Kept, they
# would make thousands of unrelated people agree on a birth date.
PLACEHOLDER_DATES: Final = frozenset(
    {dt.date(1900, 1, 1), dt.date(1970, 1, 1), dt.date(1899, 12, 30), dt.date(1899, 12, 31)}
)
# Only a year is known: "1965", "00-00-1965", "??-??-1965".
_YEAR_ONLY = re.compile(r"^(?:[0?X]{1,2}[-/. ][0?X]{1,2}[-/. ])?(1[89]|20)\d\d$")


@dataclass(frozen=True)
class ParsedDate:
    """``value``/``alternative`` are ISO strings or ""; ``issues`` are bare codes (``ambiguous`` …)."""

    value: str = ""
    alternative: str = ""
    issues: tuple[str, ...] = ()


def expand_year(two_digits: int, latest_year: int) -> int:
    """Read a 2-digit year as the latest year ≤ ``latest_year`` ending in those digits."""
    year = (latest_year // 100) * 100 + two_digits
    return year if year <= latest_year else year - 100


def parse_date(
    raw: str,
    *,
    formats: Sequence[str] = (),
    latest_year: int | None = None,
    today: dt.date | None = None,
    past_only: bool = False,
) -> ParsedDate:
    """Parse one date.

    ``formats`` are strptime formats tried first (a source that declares its format is never ambiguous).
    ``latest_year`` is the pivot for 2-digit years (default: this year, right for birth dates; pass a later
    year for dates that may lie ahead, like a planned departure). ``past_only`` flags dates after ``today``
    as ``future`` (a birth date cannot be), keeping the value.
    """
    today = today or dt.date.today()
    if is_missing(raw):
        return ParsedDate()
    text = _TIME_OF_DAY.sub("", fold(raw)).strip()
    for fmt in formats:
        try:
            return _checked(dt.datetime.strptime(text, fmt).date(), "", today, past_only)
        except ValueError:
            continue
    if _YEAR_ONLY.match(text):
        return ParsedDate(issues=(PARTIAL,))
    pivot = latest_year if latest_year is not None else today.year
    readings = _readings(text, pivot)
    if readings is None:
        return ParsedDate(issues=(INVALID,))
    valid = [d for d in readings if d is not None]
    if not valid:
        return ParsedDate(issues=(INVALID,))
    if len(valid) == 2 and valid[0] != valid[1]:
        return _checked(valid[0], valid[1].isoformat(), today, past_only, AMBIGUOUS)
    return _checked(valid[0], "", today, past_only)


def _checked(value: dt.date, alternative: str, today: dt.date, past_only: bool, *issues: str) -> ParsedDate:
    if value in PLACEHOLDER_DATES:
        return ParsedDate(issues=(PLACEHOLDER,))
    found = list(issues)
    if past_only and value > today:
        found.append(FUTURE)
    return ParsedDate(value.isoformat(), alternative, tuple(found))


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(token: str, pivot: int) -> int:
    return expand_year(int(token), pivot) if len(token) <= 2 else int(token)


def _readings(text: str, pivot: int) -> list[dt.date | None] | None:
    """Candidate dates, most likely first; None when the text has no date shape at all."""
    serial = _EXCEL_SERIAL.match(text)
    if serial:
        return [_EXCEL_EPOCH + dt.timedelta(days=int(serial.group(1)))]
    tokens = [t for t in _TOKENS.findall(text) if t not in _NOISE_WORDS]
    if len(tokens) == 1 and tokens[0].isdigit():
        return _compact_readings(tokens[0], pivot)
    if len(tokens) != 3:
        return None
    words = [t for t in tokens if not t.isdigit()]
    if words:
        return _month_name_readings(tokens, pivot)
    first, second, third = tokens
    if len(first) == 4:  # yyyy-mm-dd: year-first is only ever ISO order
        return [_date(int(first), int(second), int(third))]
    year = _year(third, pivot)
    day_first = _date(year, int(second), int(first))
    month_first = _date(year, int(first), int(second))
    # Day-first is the Indonesian convention; month-first only wins when day-first is impossible.
    return [day_first, month_first] if day_first else [month_first]


def _compact_readings(digits: str, pivot: int) -> list[dt.date | None] | None:
    if len(digits) == 8:
        # yyyymmdd and ddmmyyyy never both parse: in ddmmyyyy digits 5–6 are "19"/"20", not a month.
        iso = _date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        return [iso] if iso else [_date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))]
    if len(digits) == 6:
        return [_date(expand_year(int(digits[4:]), pivot), int(digits[2:4]), int(digits[:2]))]
    return None


def _month_name_readings(tokens: list[str], pivot: int) -> list[dt.date | None] | None:
    numbers = [t for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    if len(words) != 1 or words[0] not in MONTHS:
        return None
    month = MONTHS[words[0]]
    # The year is the 4-digit number, else the last number ("5 Agt 85", "March 3, 90").
    year_token = next((t for t in numbers if len(t) == 4), numbers[-1])
    day_token = numbers[0] if numbers[1] == year_token and numbers[0] != year_token else numbers[1]
    return [_date(_year(year_token, pivot), month, int(day_token))]
