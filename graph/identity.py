"""Deterministic keys for the graph's nodes, derived from the linked output alone.

A key depends only on what the sources said (never on load order or time), so loading the same output
twice, or resuming a killed load, MERGEs onto exactly the same nodes.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")
_LICENCE_NOISE = re.compile(r"[\s.]")
# Legal-form words that vary between silos for the same agency ("PT. Maju Jaya" ↔ "MAJU JAYA, PT").
_LEGAL_FORMS = frozenset({"PT", "CV", "TBK", "PERSERO"})
# Agency, employer and broker names repeat across hundreds of thousands of records; the keys are pure
# functions of their text, so each distinct value is worked out once per process.
_distinct = functools.lru_cache(maxsize=1 << 16)


def digest(*parts: str, length: int = 16) -> str:
    """A short stable hash of ``parts`` (joined with a separator no part can contain)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def normalise_text(value: str) -> str:
    """Upper case, punctuation dropped, whitespace collapsed: the comparison form of free text."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", value.upper())).strip()


@_distinct
def normalise_organisation(name: str) -> str:
    """An organisation name without its legal form, so spelling variants of one agency meet."""
    return " ".join(t for t in normalise_text(name).split() if t not in _LEGAL_FORMS)


@_distinct
def agency_id(licence: str, name: str) -> str:
    """The licence number when the silo gave one (it is the P3MI's legal identity), else the name."""
    licence_key = _LICENCE_NOISE.sub("", licence.upper())  # "KEP 123/2020" = "KEP.123/2020"
    if licence_key:
        return f"LIC:{licence_key}"
    name_key = normalise_organisation(name)
    return f"NAME:{name_key}" if name_key else ""


@_distinct
def employer_id(name: str, country: str) -> str:
    name_key = normalise_organisation(name)
    return f"EMP:{digest(name_key, country.upper())}" if name_key else ""


@_distinct
def broker_id(name: str, phone: str) -> str:
    """A broker (calo) is known by phone when there is one: names of brokers are nicknames."""
    if phone:
        return f"TEL:{phone}"
    name_key = normalise_text(name)
    return f"NAME:{name_key}" if name_key else ""


def address_key(address: str, region_code: str) -> str:
    """Address text plus region: "DUSUN KRAJAN RT 01" alone exists in hundreds of villages."""
    text = normalise_text(address)
    return f"{text} | {region_code}" if text else ""


def office_id(name: str) -> str:
    return normalise_text(name)


def placement_id(person_id: str, anchor: str) -> str:
    """A worker's placement, named by what anchors it (its departure date, or agency and country)."""
    return f"PL:{digest(person_id, anchor)}"


def complaint_id(source_complaint_id: str, record_key: str) -> str:
    return f"C:{source_complaint_id}" if source_complaint_id else f"C:{record_key}"


def decision_id(candidate_id: str, decision: str, decided_at: str) -> str:
    return f"D:{digest(candidate_id, decision, decided_at)}"


def split_person_id(record_keys: Iterable[str]) -> str:
    """The ID of a person split off by a steward: the same records always give the same new ID."""
    return f"PS-{digest(*sorted(record_keys))}"
