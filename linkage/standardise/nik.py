"""NIK (Nomor Induk Kependudukan): cleaning, structure checks and the birth date and sex it encodes.

A NIK is ``PPKKCC DDMMYY SSSS``: Kemendagri province, regency and kecamatan of issue, the birth date
with 40 added to the day for women, and a serial. Only the province+regency prefix is checked against
``regions.csv``: the kecamatan code is the one in force when the NIK was issued, and kecamatan are split
and renumbered often, so a current kecamatan list would reject good older NIKs.

Issue codes (``record`` prefixes them with the field name, e.g. ``nik_length``):
``excel_mangled`` (Excel turned it into ``1.80213E+15``: the digits are gone), ``non_digit``, ``length``,
``placeholder`` (``0000…``, ``1234…``, region+zeros: blanked so it cannot join unrelated people),
``unknown_region``, ``bad_date``, ``looks_like_kk`` (see :func:`looks_like_kk`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from .dates import expand_year
from .reference import regions
from .text import is_missing

ID_LENGTH: Final = 16
FEMALE_DAY_OFFSET: Final = 40

EXCEL_MANGLED: Final = "excel_mangled"
NON_DIGIT: Final = "non_digit"
LENGTH: Final = "length"
PLACEHOLDER: Final = "placeholder"
UNKNOWN_REGION: Final = "unknown_region"
BAD_DATE: Final = "bad_date"
LOOKS_LIKE_KK: Final = "looks_like_kk"

_SCIENTIFIC = re.compile(r"^(\d)(?:[.,](\d+))?E\+?(\d+)$", re.IGNORECASE)
# Separators people and spreadsheets put in numbers; a leading apostrophe is Excel's "keep as text".
_SEPARATORS = re.compile(r"[\s.\-'`‘’/_]")
_FLOAT_SUFFIX = re.compile(r"\.0+$")
_COUNTING = "01234567890123456789"


@dataclass(frozen=True)
class ParsedNik:
    """``digits`` is the cleaned number (kept even when malformed, so fuzzy comparison can still use it;
    "" only when unrecoverable or a placeholder). ``birth_date`` ISO and ``sex`` L/P are decoded from it."""

    digits: str = ""
    birth_date: str = ""
    sex: str = ""
    region_code: str = ""
    issues: tuple[str, ...] = ()


def clean_id_number(raw: str) -> tuple[str, tuple[str, ...]]:
    """Digits of a 16-digit Dukcapil number (NIK or KK) as typed, with the cleaning issues found."""
    text = raw.strip()
    if is_missing(text):
        return "", ()
    scientific = _SCIENTIFIC.match(text)
    if scientific:
        # A float printed in full ("3.212011505900001e+15") still has every digit; Excel's display
        # ("3.21201E+15") does not, and neither does one whose trailing zeros were dropped.
        lead, fraction, exponent = scientific.group(1), scientific.group(2) or "", int(scientific.group(3))
        if len(fraction) != exponent:
            return "", (EXCEL_MANGLED,)
        text = lead + fraction
    digits = _SEPARATORS.sub("", _FLOAT_SUFFIX.sub("", text))
    if not digits.isdigit():
        return "", (NON_DIGIT,)
    if _is_placeholder(digits):
        return "", (PLACEHOLDER,)
    return digits, () if len(digits) == ID_LENGTH else (LENGTH,)


def _is_placeholder(digits: str) -> bool:
    return (
        len(set(digits)) == 1
        or digits in _COUNTING
        or digits in _COUNTING[::-1]
        or (len(digits) == ID_LENGTH and set(digits[6:]) == {"0"})
    )


def known_regency(digits: str) -> str:
    """The 4-digit Kemendagri regency code that opens ``digits``, or "" if it is not a known regency."""
    code = digits[:4]
    region = regions().get(code)
    return code if region is not None and region.kind != "provinsi" else ""


def parse_nik(raw: str, *, birth_date_hint: dt.date | None = None, today: dt.date | None = None) -> ParsedNik:
    """Clean and decode a NIK. ``birth_date_hint`` (the record's own birth date) picks the century of the
    2-digit year when its last two digits agree; otherwise the year is the latest one not after today."""
    digits, issues = clean_id_number(raw)
    if len(digits) != ID_LENGTH:
        return ParsedNik(digits, issues=issues)
    region_code = known_regency(digits)
    found = [] if region_code else [UNKNOWN_REGION]
    birth, sex = decode_birth(digits, birth_date_hint=birth_date_hint, today=today or dt.date.today())
    if birth is None:
        found.append(BAD_DATE)
    return ParsedNik(digits, birth.isoformat() if birth else "", sex, region_code, tuple(found))


def decode_birth(
    digits: str, *, birth_date_hint: dt.date | None, today: dt.date
) -> tuple[dt.date | None, str]:
    """(birth date, sex) from digits 7–12 of a NIK; (None, "") when they are not a date."""
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex = "L"
    if day > FEMALE_DAY_OFFSET:
        day, sex = day - FEMALE_DAY_OFFSET, "P"
    if birth_date_hint is not None and birth_date_hint.year % 100 == yy:
        year = birth_date_hint.year
    else:
        year = expand_year(yy, today.year)
    try:
        return dt.date(year, month, day), sex
    except ValueError:
        return None, ""


def looks_like_kk(nik: ParsedNik, *, birth_date: dt.date | None, sex: str, kk_number: str) -> bool:
    """Is this "NIK" probably the family-card (KK) number typed into the NIK field?

    A KK number has the same shape as a NIK but digits 7–12 are the card's *issue* date, never +40.
    So it decodes as a man's NIK whose "birth date" is wrong. We say yes when
      * it equals the record's own KK number, or
      * it decodes as a male-style date (day ≤ 31) that differs from the record's birth date and lies in
        a later year — a card is issued after its members are born, while a typo in a real NIK rarely
        moves the year forward — or it is male-style although the record says the person is a woman.
    Without a birth date (or a sex of P) there is no evidence, and we say no.
    """
    if len(nik.digits) != ID_LENGTH:
        return False
    if kk_number and nik.digits == kk_number:
        return True
    if nik.sex != "L" or not nik.birth_date or birth_date is None:
        return False
    decoded = dt.date.fromisoformat(nik.birth_date)
    if decoded == birth_date:
        return False
    return decoded.year > birth_date.year or sex == "P"
