"""Masks for personal identifiers, and a scrubber for identifiers hidden in free text.

Patterns (a mask keeps just enough to tell two people apart at a glance, never enough to use):

| identifier | example value | masked | keeps |
| --- | --- | --- | --- |
| NIK, KK (16 digits) | ``3201010101900001`` | ``3201********0001`` | regency code + last 4 |
| passport | ``C1234567`` | ``C*****67`` | first letter + last 2 |
| phone (E.164 / local) | ``+6281234567890`` | ``+62812*****890`` | country + operator + last 3 |
| mother's name | ``SITI AMINAH`` | ``S*** A***`` | initials (fixed-width stars) |
| address | ``JL MAWAR 5, CIANJUR`` | ``***, CIANJUR`` | the last part (town/regency) |

A value too short to keep anything is all stars. Free text (complaint text, error messages, log lines)
is scrubbed for 16-digit numbers (also longer digit runs, and four groups of four with separators) and
Indonesian mobile numbers (``+628…``, ``628…``, ``08…``, with or without spaces and hyphens), masked
as above.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, Final

from graph.extract import camel


class IdentifierKind(Enum):
    NIK = "nik"
    KK = "kk"
    PASSPORT = "passport"
    PHONE = "phone"
    MOTHER_NAME = "mother_name"
    ADDRESS = "address"


# Canonical field (linkage.canonical) → what it holds. Each is matched as written (snake_case), in
# the graph's camelCase, and as its raw_ twin.
_CANONICAL: Final = {
    "nik": IdentifierKind.NIK,
    "kk_number": IdentifierKind.KK,
    "passport_number": IdentifierKind.PASSPORT,
    "phone": IdentifierKind.PHONE,
    "mother_name": IdentifierKind.MOTHER_NAME,
    "address": IdentifierKind.ADDRESS,
}
# The key properties of the identifier nodes (graph.load_cypher).
_NODE_KEYS: Final = {
    "e164": IdentifierKind.PHONE,
    "number": IdentifierKind.PASSPORT,
    "normalised": IdentifierKind.ADDRESS,
}
FIELD_KINDS: Final = {
    **_NODE_KEYS,
    **{
        name: kind
        for field, kind in _CANONICAL.items()
        for name in (field, camel(field), f"raw_{field}", camel(f"raw_{field}"))
    },
}
# Nodes whose key *is* an identifier: their Label:key reference is masked too.
LABEL_KINDS: Final = {
    "Phone": IdentifierKind.PHONE,
    "Passport": IdentifierKind.PASSPORT,
    "Address": IdentifierKind.ADDRESS,
}
MASK: Final = "*"


def _keep_ends(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    if hidden < 2:
        return MASK * len(value)
    return value[:head] + MASK * hidden + value[len(value) - tail :]


def _phone(value: str) -> str:
    head = 6 if value.startswith("+") else 5 if value.startswith("62") else 4  # country/0 + operator
    return _keep_ends(value, head, 3)


def _name(value: str) -> str:
    return " ".join(f"{word[0]}{MASK * 3}" for word in value.split())


def _address(value: str) -> str:
    head, sep, last = value.rpartition(",")
    return f"{MASK * 3}, {last.strip()}" if sep and head.strip() and last.strip() else MASK * 3


def mask(kind: IdentifierKind, value: str) -> str:
    """``value`` with everything but the kept parts replaced by stars (see the module table)."""
    if kind in (IdentifierKind.NIK, IdentifierKind.KK):
        return _keep_ends(value, 4, 4)
    if kind is IdentifierKind.PASSPORT:
        return _keep_ends(value, 1, 2)
    if kind is IdentifierKind.PHONE:
        return _phone(value)
    if kind is IdentifierKind.MOTHER_NAME:
        return _name(value)
    return _address(value)


def mask_field(name: str, value: Any) -> Any:
    """``value`` masked when ``name`` is an identifier field; other values (and None) unchanged."""
    kind = FIELD_KINDS.get(name)
    if kind is None or value is None:
        return value
    return mask(kind, str(value))


def mask_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A node's or record's properties with identifiers masked, provenance JSON and free text too."""
    masked: dict[str, Any] = {}
    for name, value in properties.items():
        if name == "provenance" and isinstance(value, str):
            masked[name] = mask_provenance_json(value)
        elif name in FIELD_KINDS:
            masked[name] = mask_field(name, value)
        elif isinstance(value, str):
            masked[name] = scrub_text(value)
        else:
            masked[name] = value
    return masked


def _json_object(text: str) -> dict[str, Any] | None:
    """``text`` parsed when it is a JSON object, else None (the caller scrubs it as text)."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def masked_json(text: str) -> str:
    """A JSON object of properties with ``mask_properties`` applied (anything else: scrubbed text)."""
    properties = _json_object(text)
    if properties is None:
        return scrub_text(text)
    return json.dumps(mask_properties(properties), sort_keys=True)


def mask_provenance_json(text: str) -> str:
    """The golden record's provenance with identifier values masked. The current layout
    (``{record_key: {field: rule}}``, ``linkage.provenance``) holds no values; the earlier one
    (``{field: {"value": …, …}}``) does."""
    chosen = _json_object(text)
    if chosen is None:
        return scrub_text(text)
    for name, entry in chosen.items():
        if isinstance(entry, dict) and entry.get("value") is not None:
            entry["value"] = mask_field(name, entry["value"])
    return json.dumps(chosen, sort_keys=True)


def mask_reference(reference: str) -> str:
    """``Phone:+6281234567890`` → ``Phone:+62812*****890``; references to other labels unchanged."""
    label, sep, key = reference.partition(":")
    kind = LABEL_KINDS.get(label)
    return f"{label}:{mask(kind, key)}" if sep and kind else reference


# 16 or more digits (a NIK/KK, also inside a longer echo), or four groups of four with separators.
_SIXTEEN_DIGITS: Final = re.compile(r"(?<!\d)(?:\d{16,}|\d{4}(?:[ .-]\d{4}){3})(?!\d)")
_MOBILE: Final = re.compile(r"(?<![\w+])(?:\+62|62|0)[ -]?8\d(?:[ -]?\d){6,10}(?!\d)")


def scrub_text(text: str) -> str:
    """``text`` with every 16-digit number and mobile phone number in it masked."""
    text = _SIXTEEN_DIGITS.sub(lambda m: mask(IdentifierKind.NIK, m.group()), text)
    return _MOBILE.sub(lambda m: _phone(m.group()), text)
