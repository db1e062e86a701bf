"""A small hand-built linked folder (synthetic people) and a way to fingerprint the whole graph."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from neo4j import Driver

from graph.sample_linked import record, write_linked

SITI_NIK = "3212015501900001"
SHARED_PHONE = "+6281234500001"
BROKER_PHONE = "+6281399900001"
KK = "3212000000000001"

SITI = {
    "nik": SITI_NIK,
    "full_name": "SITI AMINAH",
    "birth_date": "1990-01-15",
    "sex": "P",
    "region_code": "3212",
    "phone": SHARED_PHONE,
    "address": "DUSUN KRAJAN RT 01",
}
MAJU_JAYA = {"agency_name": "PT MAJU JAYA", "agency_licence": "KEP 123/2020"}
DARTO = {"broker_name": "PAK DARTO", "broker_phone": BROKER_PHONE}


def world_records() -> tuple[list[dict[str, str]], set[str]]:
    """P1 Siti (worker, Indramayu), P2 Budi (her husband), P3 Dewi (Cilacap), P4 Rina (a minor at
    departure, Kab. Bandung), P5 Agus (Kab. Bandung). P1, P3 and P4 share one phone number."""
    rows = [
        record("disnaker:1", "P1", **SITI, **MAJU_JAYA, **DARTO, placement_phase="pra",
               ltsa_office="LTSA KABUPATEN INDRAMAYU"),
        record("siskop2mi:1", "P1", **SITI, passport_number="C1000001", placement_phase="masa",
               agency_name="MAJU JAYA, PT", agency_licence="KEP 123/2020", destination_country="MY",
               departure_date="2023-02-01", employer_name="TAN HOLDINGS", employer_country="MY",
               procedural="false", sector="domestik"),
        record("dukcapil:1", "P1", **SITI, kk_number=KK, family_role="ISTRI"),
        record("dukcapil:2", "P2", full_name="BUDI SANTOSO", nik="3212011203880002", region_code="3212",
               kk_number=KK, family_role="KEPALA KELUARGA"),
        record("pengaduan:1", "P2", full_name="BUDI SANTOSO", phone="+6281234500002", relation="suami",
               related_nik=SITI_NIK, complaint_id="K-1", complaint_date="2023-06-01",
               complaint_type="gaji tidak dibayar", agency_name="PT MAJU JAYA"),
        record("siskop2mi:3", "P3", full_name="DEWI LESTARI", birth_date="1995-07-07", region_code="3301",
               phone=SHARED_PHONE, **MAJU_JAYA, **DARTO, placement_phase="masa", destination_country="HK",
               departure_date="2023-05-01", procedural="false"),
        record("siskop2mi:4", "P4", full_name="RINA WATI", birth_date="2007-03-01", region_code="3204",
               phone=SHARED_PHONE, agency_name="PT SEHAT SENTOSA", agency_licence="KEP 9/2019",
               placement_phase="masa", destination_country="SA", departure_date="2024-01-10",
               procedural="true", ltsa_office="LTSA PROV. JAWA BARAT"),
        record("disnaker:5", "P5", full_name="AGUS PRATAMA", birth_date="1992-02-02", region_code="3204",
               agency_name="PT SEHAT SENTOSA", agency_licence="KEP 9/2019", placement_phase="pra",
               ltsa_office="DISNAKER KAB. BANDUNG"),
    ]  # fmt: skip
    return rows, {"P1", "P3", "P4", "P5"}


def write_world(folder: Path, decisions: list[dict[str, str]] | None = None) -> Path:
    rows, workers = world_records()
    return write_linked(folder, rows, workers, decisions)


def graph_snapshot(driver: Driver) -> tuple[Counter[str], Counter[str], str]:
    """(nodes per label, relationships per type, checksum of every property) — :LoadRun excluded,
    it is the loader's own bookkeeping (its timestamps change on every run)."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:LoadRun RETURN labels(n) AS labels, properties(n) AS props"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) "
        "RETURN type(r) AS type, properties(a) AS a, properties(b) AS b, properties(r) AS props"
    )
    node_lines = sorted(repr((sorted(r["labels"]), sorted(r["props"].items()))) for r in nodes)
    rel_lines = sorted(
        repr((r["type"], sorted(r["a"].items()), sorted(r["b"].items()), sorted(r["props"].items())))
        for r in rels
    )
    digest = hashlib.sha256("\n".join(node_lines + rel_lines).encode()).hexdigest()
    return (
        Counter(label for r in nodes for label in r["labels"]),
        Counter(r["type"] for r in rels),
        digest,
    )
