"""Reading a golden record's provenance JSON (``persons.parquet`` ``provenance``; ``linkage.golden``
writes it): which record gave each golden value, its source, and the survivorship rule that chose it.

The document is keyed by record, ``{"dukcapil:3201…": {"nik": "authority", …}, …}``. The value itself
is the person's golden attribute, and the source is the record key up to its first ``:``
(``linkage.canonical``: ``record_key = "<source>:<record_id>"``, and a source name has no ``:``,
``linkage.manifest``). Output of earlier versions, keyed by
field (``{"nik": {"value", "record_key", "source", "rule"}, …}``), is read too, so a graph loaded
before the change still shows its provenance.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .canonical import PERSON_FIELDS

_FIELD_ORDER = {name: position for position, name in enumerate(PERSON_FIELDS)}


@dataclass(frozen=True)
class FieldOrigin:
    field: str  # a PERSON_FIELDS name (snake case)
    value: str | None
    record_key: str | None
    source: str | None
    rule: str | None


def source_of(record_key: str) -> str:
    return record_key.split(":", 1)[0]


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _is_per_field(document: Mapping[str, Any]) -> bool:
    """The earlier layout: each entry a field's ``{"value", "record_key", "source", "rule"}``."""
    return any(isinstance(entry, dict) and "record_key" in entry for entry in document.values())


def field_origins(text: str | None, golden: Mapping[str, Any]) -> list[FieldOrigin]:
    """The provenance ``text`` as one origin per field, in ``PERSON_FIELDS`` order; ``golden`` maps a
    field to the person's value for it (a date is given as ISO text)."""
    document = json.loads(text) if text else {}
    origins: list[FieldOrigin] = []
    if _is_per_field(document):
        for name, entry in document.items():
            key = entry.get("record_key")
            source = entry.get("source") or (source_of(key) if key else None)
            origins.append(FieldOrigin(name, entry.get("value"), key, source, entry.get("rule")))
    else:
        for record_key, fields in document.items():
            for name, rule in fields.items():
                origins.append(
                    FieldOrigin(name, _as_text(golden.get(name)), record_key, source_of(record_key), rule)
                )
    return sorted(origins, key=lambda origin: _FIELD_ORDER.get(origin.field, len(_FIELD_ORDER)))


def provenance_json(chosen: Mapping[str, tuple[str, str]]) -> str:
    """The document for ``chosen`` (field → (record_key, rule)), records in the order first named: what
    ``linkage.golden`` writes, for data built by hand (the sample graph, tests)."""
    document: dict[str, dict[str, str]] = {}
    for name, (record_key, rule) in chosen.items():
        document.setdefault(record_key, {})[name] = rule
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
