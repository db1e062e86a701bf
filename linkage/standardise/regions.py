"""Region name or code → Kemendagri code (``32`` province, ``3212`` kabupaten/kota).

Accepted: a code in any dotted or undotted form (``32.12``, ``3212``; a kecamatan or village code gives its
regency), an official name with or without ``Kab.``/``Kabupaten``/``Kota``/``Kodya``/``Kotamadya``/
``Provinsi`` (``Kab. Indramayu``), a name followed by its province (``Indramayu, Jawa Barat``) or inside
an address-like list (``Kec. Juntinyuat, Kab. Indramayu, Jabar``), the abbreviations in
``region_aliases.csv`` (``Lamteng``, ``Lotim``, ``Jatim``, ``NTB``) and typos close to a name (rapidfuzz,
flagged ``fuzzy``).

Ambiguous names (``Bandung`` is kabupaten 3204 and kota 3273; ``Jambi`` is a province and a kota):
  1. a kind word decides (``Kota Bandung`` → 3273; ``Provinsi Jambi`` → 15);
  2. else a province hint (the field's own ``, Jawa Barat`` part, or the caller's ``province_hint``)
     narrows the candidates;
  3. else a regency beats a province (the region fields we read are about where a person lives, which
     forms ask at kabupaten/kota level) and a kabupaten beats a kota (most migrant workers come from
     kabupaten; a kota is almost always written as "Kota X"). Such a choice is flagged ``ambiguous``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .reference import Region, region_aliases, regions
from .text import fold, is_missing

AMBIGUOUS: Final = "ambiguous"
FUZZY: Final = "fuzzy"
UNKNOWN: Final = "unknown"

# Kind words, longest first so "KOTA ADMINISTRASI" is removed whole before "KOTA" could match.
_KIND_WORDS: Final = (
    ("KABUPATEN ADMINISTRASI", "kabupaten"),
    ("KOTA ADMINISTRASI", "kota"),
    ("KOTAMADYA", "kota"),
    ("KABUPATEN", "kabupaten"),
    ("PROPINSI", "provinsi"),
    ("PROVINSI", "provinsi"),
    ("KAB ADM", "kabupaten"),
    ("KOTA ADM", "kota"),
    ("KODYA", "kota"),
    ("KOTA", "kota"),
    ("PROV", "provinsi"),
    ("KAB", "kabupaten"),
)
_NOISE: Final = re.compile(r"\b(?:DAERAH TINGKAT II|DATI II|DT II|DATI I|DT I)\b")
# Spelling variants inside official names.
_SPELLING: Final = (("SUMATRA", "SUMATERA"), ("KEP ", "KEPULAUAN "))
_CODE: Final = re.compile(r"^\d{2}(?:[.\s-]?\d{2}){0,4}$|^\d{2}(?:[.\s-]?\d{2}){2}[.\s-]?\d{4}$")
# Minimum normalised Levenshtein similarity (0–1) for a typo to resolve; below it the name stays unknown.
_FUZZY_CUTOFF: Final = 0.88


@dataclass(frozen=True)
class ResolvedRegion:
    code: str = ""
    issues: tuple[str, ...] = ()


def _key(text: str) -> str:
    """Comparison form of a name: folded, spelling variants unified, no spaces or punctuation."""
    text = " " + re.sub(r"[^A-Z0-9 ]", " ", fold(text)) + " "
    for old, new in _SPELLING:
        text = text.replace(f" {old}", f" {new}")
    return re.sub(r"[^A-Z0-9]", "", text)


@cache
def _index() -> dict[str, tuple[Region, ...]]:
    by_key: dict[str, list[Region]] = defaultdict(list)
    for region in regions().values():
        by_key[_key(region.name)].append(region)
    for alias, code in region_aliases().items():
        by_key[_key(alias)].append(regions()[code])
    return {key: tuple(found) for key, found in by_key.items()}


def _split_kind(text: str) -> tuple[str, str]:
    """("KAB. INDRAMAYU") → ("INDRAMAYU", "kabupaten")."""
    words = " " + re.sub(r"[^A-Z0-9 ]", " ", _NOISE.sub(" ", text)) + " "
    words = re.sub(r"\s+", " ", words)
    for word, kind in _KIND_WORDS:
        if f" {word} " in words:
            rest = words.replace(f" {word} ", " ", 1).strip()
            if rest:
                return rest, kind
    return words.strip(), ""


def resolve_region(raw: str, *, province_hint: str = "") -> ResolvedRegion:
    """Kemendagri code of a region name or code; "" with ``unknown`` when it cannot be resolved."""
    if is_missing(raw):
        return ResolvedRegion()
    text = fold(raw)
    if _CODE.match(text):
        return _from_code(re.sub(r"\D", "", text))
    name_part, other_parts = _regency_part(text.split(","))
    name, kind = _split_kind(name_part)
    hint = next(filter(None, map(_province_code, other_parts)), "") or _province_code(province_hint)
    candidates, issues = _candidates(name)
    if kind:
        candidates = [r for r in candidates if r.kind == kind] or candidates
    if hint:
        candidates = [r for r in candidates if r.province_code == hint] or candidates
    if not candidates:
        return ResolvedRegion(issues=(UNKNOWN,))
    best = min(candidates, key=_preference)
    if len({r.code for r in candidates}) > 1:
        issues = (*issues, AMBIGUOUS)
    return ResolvedRegion(best.code, issues)


def _regency_part(parts: list[str]) -> tuple[str, list[str]]:
    """The comma-separated part naming the regency, and the others (which may name the province).

    "Indramayu, Jawa Barat" → "Indramayu"; in an address-like "Kec. Juntinyuat, Kab. Indramayu, Jabar"
    the part with a kabupaten/kota word wins.
    """
    for i, part in enumerate(parts):
        if _split_kind(part)[1] in ("kabupaten", "kota"):
            return part, parts[:i] + parts[i + 1 :]
    return parts[0], parts[1:]


def _preference(region: Region) -> tuple[int, str]:
    return ({"kabupaten": 0, "kota": 1, "provinsi": 2}[region.kind], region.code)


def _from_code(digits: str) -> ResolvedRegion:
    for length in (4, 2):
        if len(digits) >= length and digits[:length] in regions():
            return ResolvedRegion(digits[:length])
    return ResolvedRegion(issues=(UNKNOWN,))


def _province_code(text: str) -> str:
    if is_missing(text):
        return ""
    name, _ = _split_kind(fold(text))
    provinces = [r for r in _candidates(name)[0] if r.kind == "provinsi"]
    return provinces[0].code if provinces else ""


def _candidates(name: str) -> tuple[list[Region], tuple[str, ...]]:
    key = _key(name)
    if not key:
        return [], ()
    exact = _index().get(key)
    if exact:
        return list(exact), ()
    # Short keys are abbreviations: a near miss on 4 letters is a different place, not a typo.
    if len(key) < 6:
        return [], ()
    match = process.extractOne(key, _index().keys(), scorer=Levenshtein.normalized_similarity)
    if match is None or match[1] < _FUZZY_CUTOFF:
        return [], ()
    return list(_index()[match[0]]), (FUZZY,)
