"""Country names, abbreviations and codes, in Indonesian or English → ISO 3166-1 alpha-2.

Looked up, in order: an alpha-2 code, a hand-curated alias (alpha-3 codes and the colloquial forms silos
use: ``Hongkong``, ``KSA``, ``Arab Saudi``, ``MAL``, ``Korsel`` — ``country_aliases.csv``), the English
or Indonesian name from ``countries.csv``, and finally a close typo (flagged ``fuzzy``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .reference import countries, country_aliases
from .text import fold, is_missing

FUZZY: Final = "fuzzy"
UNKNOWN: Final = "unknown"
_FUZZY_CUTOFF: Final = 0.85
_PREFIXES: Final = re.compile(r"^(?:NEGARA|KERAJAAN|REPUBLIK|REPUBLIC OF|THE)\s+")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", fold(text)).split())


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in countries().values():
        for name in (country.name_en, country.name_id):
            index.setdefault(_key(name), country.alpha2)
            # "Hong Kong S.A.R., Cina" is also written just "Hong Kong".
            index.setdefault(_key(name.split(",")[0]), country.alpha2)
    for alias, alpha2 in country_aliases().items():
        index[_key(alias)] = alpha2  # hand-curated wins over generated names
    return index


def resolve_country(raw: str) -> tuple[str, tuple[str, ...]]:
    """(alpha-2, issues): ("", ("unknown",)) when nothing matches, ("", ()) when missing."""
    if is_missing(raw):
        return "", ()
    key = _key(raw)
    if len(key) == 2 and key in countries():
        return key, ()
    for candidate in (key, _PREFIXES.sub("", key), key.replace(" ", "")):
        if candidate in _index():
            return _index()[candidate], ()
    if len(key) >= 5:
        match = process.extractOne(key, _index().keys(), scorer=Levenshtein.normalized_similarity)
        if match is not None and match[1] >= _FUZZY_CUTOFF:
            return _index()[match[0]], (FUZZY,)
    return "", (UNKNOWN,)
