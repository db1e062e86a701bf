"""Helpers for the hostile-request suites: send a probe over HTTP, judge the answer, fingerprint the graph.

A probe is answered *cleanly* when the server neither failed (no 5xx, no "Unexpected error.") nor
disclosed its insides (no traceback, driver or Cypher error text, no source paths).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Final

import httpx
from neo4j import Driver

from gateway.security.errors import UNEXPECTED

# Text that can only come from the server's insides, never from a probe's own payload.
LEAK_MARKERS: Final = (
    "Traceback",
    "neo4j.exceptions",
    "Neo.ClientError",
    "Neo.DatabaseError",
    "Neo.TransientError",
    'File "/',
    "site-packages",
    "gateway/schema",
)


@dataclass(frozen=True)
class Answer:
    status: int
    text: str

    @property
    def body(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.text)
        return found

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def codes(self) -> set[str]:
        return {str((e.get("extensions") or {}).get("code")) for e in self.errors}


def send(url: str, query: str, headers: dict[str, str], **variables: Any) -> Answer:
    response = httpx.post(url, json={"query": query, "variables": variables}, headers=headers, timeout=120)
    return Answer(response.status_code, response.text)


def assert_clean(answer: Answer) -> None:
    """No server failure and nothing of the server's insides in the answer."""
    assert answer.status < 500, answer.text[:2000]
    for marker in LEAK_MARKERS:
        assert marker not in answer.text, (marker, answer.text[:2000])
    if answer.status == 200:
        assert all(e.get("message") != UNEXPECTED for e in answer.errors), answer.text[:2000]


def fingerprint(driver: Driver) -> tuple[int, int, str]:
    """(nodes, relationships, sha256 over every label set, type and property map): equal means unchanged."""
    nodes = driver.execute_query(
        "MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props"
    ).records
    rels = driver.execute_query(
        "MATCH (a)-[r]->(b) "
        "RETURN elementId(a) AS a, type(r) AS type, elementId(b) AS b, properties(r) AS props"
    ).records
    canonical = sorted(
        json.dumps([r["id"], sorted(r["labels"]), r["props"]], sort_keys=True, default=str) for r in nodes
    )
    canonical += sorted(
        json.dumps([r["a"], r["type"], r["b"], r["props"]], sort_keys=True, default=str) for r in rels
    )
    return len(nodes), len(rels), hashlib.sha256("\n".join(canonical).encode()).hexdigest()


def identifier_values(driver: Driver) -> set[str]:
    """Every full NIK, KK, passport, phone and address in the graph (golden and as each source wrote it)."""
    records = driver.execute_query(
        """MATCH (n) WHERE n:Person OR n:SourceRecord
           UNWIND [n.nik, n.kkNumber, n.passportNumber, n.phone, n.address,
                   n.rawNik, n.rawKkNumber, n.rawPassportNumber, n.rawPhone, n.rawAddress] AS value
           WITH value WHERE value IS NOT NULL AND size(toString(value)) >= 6
           RETURN collect(DISTINCT toString(value)) AS values"""
    ).records
    return set(records[0]["values"])
