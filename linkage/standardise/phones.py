"""Phone numbers → E.164 with Google's libphonenumber (PyPI ``phonenumbers``).

We only add what the library cannot know about our silos: which country a bare number belongs to
(``default_region``, per source: a Hong Kong agency's export writes local HK numbers), the ways
spreadsheets damage numbers (``8.12346E+11``, a leading 0 dropped), a country code typed without ``+``
(``6281…``, ``62-812…``, ``852 9123…``) or with the ``00`` international prefix, and several numbers in one
cell (the first is used, flagged ``multiple``).

A number that parses but that libphonenumber does not know as valid is still returned in E.164 (the
digits can still link two records) and flagged ``invalid``; one that cannot be read at all gives "".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import phonenumbers

from .text import is_missing

INVALID: Final = "invalid"
MULTIPLE: Final = "multiple"
EXCEL_MANGLED: Final = "excel_mangled"

_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)
# A number column read as float: "81234567890.0" (the ".0" is not a digit of the number).
_FLOAT = re.compile(r"^(\d+)\.0+$")
# Several numbers in one cell: "0812… / 0857…", "0812…; 0857…", "0812… atau 0857…".
_LIST_SEPARATOR = re.compile(r"\s*(?:[/;,|&]|\bATAU\b|\bOR\b|\bDAN\b)\s*", re.IGNORECASE)
_NON_DIAL = re.compile(r"[^\d+]")
# An extension would otherwise be read as more digits of the number.
_EXTENSION = re.compile(r"\s*(?:EXT|EKST|X|PES)\.?\s*\d{1,5}\s*$", re.IGNORECASE)
_MIN_DIGITS: Final = 7


@dataclass(frozen=True)
class ParsedPhone:
    e164: str = ""
    country: str = ""  # ISO 3166-1 alpha-2 of the number
    issues: tuple[str, ...] = ()


def parse_phone(raw: str, default_region: str = "ID") -> ParsedPhone:
    text = raw.strip()
    if is_missing(text):
        return ParsedPhone()
    if _SCIENTIFIC.match(text):
        return ParsedPhone(issues=(EXCEL_MANGLED,))
    text = _FLOAT.sub(r"\1", text)
    parts = [p for p in _LIST_SEPARATOR.split(text) if _NON_DIAL.sub("", p)]
    issues = (MULTIPLE,) if len(parts) > 1 else ()
    dialled = _NON_DIAL.sub("", _EXTENSION.sub("", parts[0])) if parts else ""
    if len(dialled.lstrip("+")) < _MIN_DIGITS:
        return ParsedPhone(issues=(*issues, INVALID))
    e164, country, valid = _read(dialled, default_region.upper())
    return ParsedPhone(e164, country, issues if valid else (*issues, INVALID))


# Silos write one number in many ways ("0812-3456-7890", "+62 812 3456 7890"); once reduced to its
# dialled digits it is parsed once per process, which also helps across the columns and sources of a run.
@lru_cache(maxsize=1 << 18)
def _read(dialled: str, region: str) -> tuple[str, str, bool]:
    """(E.164, country, valid) of dialled digits; ("", "", False) when no reading is even possible."""
    best = _best_reading(dialled, region)
    if best is None:
        return "", "", False
    number, valid = best
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.region_code_for_number(number) or "", valid


def _candidates(dialled: str, region: str) -> list[tuple[str, str | None]]:
    """Readings to try, in order: as written, then with an international prefix made explicit."""
    digits = dialled.lstrip("+")
    if dialled.startswith("+"):
        return [(dialled, None)]
    readings: list[tuple[str, str | None]] = [(digits, region)]
    if digits.startswith("00"):
        readings.append(("+" + digits[2:], None))
    else:
        readings.append(("+" + digits, None))  # a country code typed without "+": 6281…, 852…
    return readings


def _best_reading(dialled: str, region: str) -> tuple[phonenumbers.PhoneNumber, bool] | None:
    """The first valid reading, else the first merely possible one (marked not valid), else None."""
    fallback: phonenumbers.PhoneNumber | None = None
    for text, reading_region in _candidates(dialled, region):
        try:
            number = phonenumbers.parse(text, reading_region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number, True
        if fallback is None and phonenumbers.is_possible_number(number):
            fallback = number
    return (fallback, False) if fallback is not None else None
