"""Small controlled vocabularies: sex, placement phase, the procedural flag, passport and organisation
names. Each returns (standard value, issues); an unrecognised value gives "" and ``invalid``."""

from __future__ import annotations

import re
from typing import Final

from .text import clean_text, fold, is_missing

INVALID: Final = "invalid"

SEX: Final = {
    **dict.fromkeys(
        ("L", "LK", "LAKI", "LAKI LAKI", "LAKILAKI", "LELAKI", "PRIA", "M", "MALE", "COWOK", "JANTAN"), "L"
    ),
    **dict.fromkeys(("P", "PR", "PRP", "PEREMPUAN", "WANITA", "W", "F", "FEMALE", "CEWEK"), "P"),
}
PHASES: Final = {
    **dict.fromkeys(("PRA", "PRA PENEMPATAN", "PRAPENEMPATAN", "CPMI", "CALON", "PENDAFTARAN"), "pra"),
    **dict.fromkeys(("MASA", "MASA PENEMPATAN", "PENEMPATAN", "BEKERJA", "SEDANG BEKERJA", "AKTIF"), "masa"),
    **dict.fromkeys(("PURNA", "PURNA PENEMPATAN", "PURNAPENEMPATAN", "PULANG", "KEMBALI"), "purna"),
}
PROCEDURAL: Final = {
    **dict.fromkeys(("TRUE", "YA", "Y", "YES", "1", "PROSEDURAL", "RESMI", "LEGAL"), "true"),
    **dict.fromkeys(
        ("FALSE", "TIDAK", "T", "N", "NO", "0", "NON PROSEDURAL", "NONPROSEDURAL", "UNPROSEDURAL", "ILEGAL"),
        "false",
    ),
}
# ICAO-style Indonesian passport number: one or two letters and 6–8 digits ("A 1234567" → "A1234567").
_PASSPORT: Final = re.compile(r"^[A-Z]{1,2}\d{6,8}$")
_WORD_SEPARATORS: Final = re.compile(r"[-_]")
_ORGANISATION_PUNCTUATION: Final = re.compile(r"[.,;:\"']")


def _lookup(raw: str, table: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    key = " ".join(_WORD_SEPARATORS.sub(" ", fold(raw)).split())
    if key in table:  # before the missing check: "0" means "false" here, not "no value"
        return table[key], ()
    if is_missing(raw):
        return "", ()
    return "", (INVALID,)


def standard_sex(raw: str) -> tuple[str, tuple[str, ...]]:
    return _lookup(raw, SEX)


def standard_phase(raw: str) -> tuple[str, tuple[str, ...]]:
    return _lookup(raw, PHASES)


def standard_procedural(raw: str) -> tuple[str, tuple[str, ...]]:
    return _lookup(raw, PROCEDURAL)


def standard_passport(raw: str) -> tuple[str, tuple[str, ...]]:
    """Upper case without spaces or dashes; kept even when malformed (flagged), since it can still link."""
    value = re.sub(r"[\s\-./]", "", fold(raw))
    if is_missing(value):
        return "", ()
    return value, () if _PASSPORT.match(value) else (INVALID,)


def standard_organisation(raw: str) -> str:
    """Agency or employer name: upper case, no punctuation ("PT. Bina-Karya, Tbk." → "PT BINA KARYA TBK")."""
    return " ".join(_WORD_SEPARATORS.sub(" ", _ORGANISATION_PUNCTUATION.sub(" ", clean_text(raw))).split())
