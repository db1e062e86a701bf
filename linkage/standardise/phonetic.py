"""Phonetic key for Indonesian names: folds spellings that sound alike, for blocking and comparison.

The key is never shown to anyone; the display name keeps the spelling the person uses.

What is folded, and why:
  * Pre-1972 spelling ↔ EYD, in both directions. ``OE``→``U`` (Soeharto/Suharto), ``DJ``→``J``
    (Djoko/Joko), ``TJ``→``C`` (Tjahjono/Cahyono); ``NJ`` and ``SJ`` are covered by the next rule.
    Old ``J`` is new ``Y`` (Jusuf/Yusuf) while new ``J`` is old ``DJ``: a bare ``J`` cannot be read back, so
    ``J`` and ``Y`` share one symbol (``Y``), which folds old and new spellings alike.
  * ``SY``/``SH``→``S`` (Syaiful/Saiful, Sholeh/Soleh; old ``SJ`` arrives here through ``J``→``Y``).
  * ``CH``/``KH``→``H`` (Achmad/Akhmad/Ahmad, Chairul/Khairul/Hairul).
  * Sundanese and Javanese ``F``/``V``→``P`` (Fitri/Pitri, Arif/Arip).
  * Arabic-origin ``TH``/``DH``/``DZ``/``Q`` (Ramadhan/Ramadan, Fathul/Fatul, Qomar/Komar).
  * A final ``H`` after a vowel (Fatimah/Fatima) and doubled letters (Muhammad/Muhamad).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

# Applied in order; each pair is (pattern, replacement) on an upper-case ASCII token.
_RULES: Final = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        ("OE", "U"),
        ("DJ", "J"),
        ("TJ", "C"),
        ("J", "Y"),
        ("S[HY]", "S"),
        ("[CK]H", "H"),
        ("DZ", "Z"),
        ("TH", "T"),
        ("DH", "D"),
        ("Q", "K"),
        ("X", "KS"),
        ("[FV]", "P"),
        ("PH", "P"),
        ("(?<=[AEIOU])H$", ""),
        (r"(.)\1+", r"\1"),
    )
)


def token_key(token: str) -> str:
    """Phonetic key of one upper-case name token."""
    for pattern, replacement in _RULES:
        token = pattern.sub(replacement, token)
    return token


def name_key(tokens: Iterable[str]) -> str:
    """Space-joined keys of the tokens, in the name's order."""
    return " ".join(key for key in (token_key(t) for t in tokens) if key)
