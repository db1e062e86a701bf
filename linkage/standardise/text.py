"""Text helpers shared by the standardisers: Unicode folding, whitespace, and 'missing' spellings."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Spellings that data-entry clerks use for "no value". They become "" (missing), never a flag: an
# honest "tidak ada" is not a data-quality problem.
MISSING_SPELLINGS: Final = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        ".",
        "?",
        "0",
        "NA",
        "N/A",
        "NAN",
        "NONE",
        "NULL",
        "NIL",
        "NAT",
        "TIDAK ADA",
        "TDK ADA",
        "TIDAK DIKETAHUI",
        "TDK DIKETAHUI",
        "BELUM ADA",
        "KOSONG",
    }
)

_SPACES = re.compile(r"\s+")


def fold(value: str) -> str:
    """Upper-case ASCII form: NFKD, accents dropped, whitespace collapsed ("Sülaïman " → "SULAIMAN")."""
    if not value.isascii():  # most values are ASCII already; decomposing them is the costly part
        decomposed = unicodedata.normalize("NFKD", value)
        value = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", value).strip().upper()


def is_missing(value: str) -> bool:
    """True for "" and the usual placeholders for "no value"."""
    return fold(value) in MISSING_SPELLINGS


def clean_text(value: str) -> str:
    """Free text (agency, employer, address …): folded and upper-cased; "" when it spells 'missing'."""
    folded = fold(value)
    return "" if folded in MISSING_SPELLINGS else folded
