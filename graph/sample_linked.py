"""Linked folders built in code (synthetic data only): small hand-written ones for tests, a seeded
population of any size for the load and query benchmarks and the kill-and-resume test.

Persons are derived from their records the simple way (first record's values win) — enough to
exercise the loader; real golden records come from ``ltsa link``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from linkage.canonical import PERSON_FIELDS
from linkage.linked import (
    DECISION_COLUMNS,
    DECISIONS_FILE,
    PERSON_COLUMNS,
    PERSONS_FILE,
    RECORDS_COLUMNS,
    RECORDS_FILE,
)
from linkage.provenance import provenance_json


def record(key: str, person_id: str, **fields: str) -> dict[str, str]:
    """One canonical row; ``key`` is ``source:record_id``; unknown field names are an error."""
    unknown = set(fields) - set(RECORDS_COLUMNS)
    if unknown:
        raise ValueError(f"not canonical columns: {sorted(unknown)}")
    source, _, record_id = key.partition(":")
    row = dict.fromkeys(RECORDS_COLUMNS, "")
    row.update(record_key=key, source=source, record_id=record_id, row_number="1", person_id=person_id)
    row.update({f"raw_{f}": fields[f] for f in PERSON_FIELDS if f in fields})
    row.update(fields)
    return row


def golden_persons(records: Iterable[Mapping[str, str]], workers: set[str]) -> pd.DataFrame:
    """One person per person_id: each field from the first record (by key) that has it."""
    by_person: dict[str, list[Mapping[str, str]]] = {}
    for r in sorted(records, key=lambda r: r["record_key"]):
        by_person.setdefault(r["person_id"], []).append(r)
    rows = []
    for pid, rs in sorted(by_person.items()):
        person = {"person_id": pid, "is_worker": str(pid in workers).lower(), "record_count": str(len(rs))}
        chosen = {}
        for f in PERSON_FIELDS:
            winner = next((r for r in rs if r[f]), None)
            person[f] = winner[f] if winner else ""
            if winner:
                chosen[f] = (winner["record_key"], "first")
        person["provenance"] = provenance_json(chosen)
        rows.append(person)
    return pd.DataFrame(rows, columns=list(PERSON_COLUMNS))


def write_linked(
    folder: Path,
    records: list[dict[str, str]],
    workers: set[str],
    decisions: list[dict[str, str]] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(records, columns=list(RECORDS_COLUMNS))
    frame["row_number"] = frame["row_number"].astype(int)
    frame.to_parquet(folder / RECORDS_FILE, index=False)
    golden_persons(records, workers).to_parquet(folder / PERSONS_FILE, index=False)
    if decisions is not None:
        pd.DataFrame(decisions, columns=list(DECISION_COLUMNS)).to_csv(folder / DECISIONS_FILE, index=False)
    return folder


_GIVEN = ("SITI", "DEWI", "SRI", "NUR", "AHMAD", "BUDI", "RINA", "EKA", "YANTI", "AGUS", "WATI", "TRI")
_FAMILY = ("AMINAH", "LESTARI", "RAHAYU", "HIDAYAT", "SANTOSO", "WIDODO", "KURNIASIH", "PRATAMA")
_REGENCIES = ("3212", "3209", "3301", "3502", "3504", "5203", "1807", "3213", "3204", "3205")
_COUNTRIES = ("MY", "HK", "TW", "SA", "SG", "KR")
_AGENCIES = tuple(f"PT SAHABAT MIGRAN {i}" for i in range(40))


def synthetic_population(workers: int, seed: int = 7) -> tuple[list[dict[str, str]], set[str]]:
    """``workers`` workers, each with 2-3 source records, some family members, brokers and complaints.

    About 2.6 source records per worker; deterministic for a given seed.
    """
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    worker_ids: set[str] = set()
    brokers = [(f"CALO {i}", f"+62813{i:08d}") for i in range(max(1, workers // 50))]
    for i in range(workers):
        pid = f"P{i:08d}"
        worker_ids.add(pid)
        region = rng.choice(_REGENCIES)
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(70, 99)
        nik = f"{region}01{day:02d}{month:02d}{year:02d}{i % 10000:04d}"
        name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
        birth = f"19{year}-{month:02d}-{day:02d}"
        phone = f"+62812{i:08d}" if rng.random() > 0.02 else "+6281200000000"  # a few share one number
        agency = rng.choice(_AGENCIES)
        broker, broker_phone = rng.choice(brokers)
        country = rng.choice(_COUNTRIES)
        departure = f"20{rng.randint(18, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        person = {"nik": nik, "full_name": name, "birth_date": birth, "region_code": region, "phone": phone}
        rows.append(
            record(
                f"disnaker:{i}",
                pid,
                **person,
                sex="P",
                placement_phase="pra",
                agency_name=agency,
                broker_name=broker,
                broker_phone=broker_phone,
                ltsa_office=f"LTSA {region}",
            )
        )
        rows.append(
            record(
                f"siskop2mi:{i}",
                pid,
                **person,
                passport_number=f"C{i:07d}",
                placement_phase="masa",
                agency_name=agency,
                destination_country=country,
                departure_date=departure,
                employer_name=f"EMPLOYER {i % 500}",
                employer_country=country,
                procedural="false" if rng.random() < 0.1 else "true",
            )
        )
        if rng.random() < 0.3:
            kk = f"{region}{i:012d}"
            rows.append(record(f"dukcapil:{i}w", pid, **person, kk_number=kk, family_role="ISTRI"))
            rows.append(
                record(
                    f"dukcapil:{i}h",
                    f"F{i:08d}",
                    full_name=f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}",
                    region_code=region,
                    kk_number=kk,
                    family_role="KEPALA KELUARGA",
                )
            )
        if rng.random() < 0.03:
            rows.append(
                record(
                    f"pengaduan:{i}",
                    pid,
                    **person,
                    complaint_id=f"K{i}",
                    complaint_type="gaji tidak dibayar",
                    agency_name=agency,
                    broker_name=broker,
                    broker_phone=broker_phone,
                )
            )
    return rows, worker_ids
