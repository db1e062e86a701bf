"""A small synthetic linked folder for the gateway tests (no real personal data: names from lists).

``write_world(folder, workers)`` writes records/persons/candidates Parquet files honouring
``linkage.linked`` and returns the facts tests assert on. Every worker has two source records
(civil registry and the national placement system), one placement, and a spouse on the family card.
On top of that:

* ``review pair``: two records of one woman that linkage left as two persons (a review candidate);
* ``wrong merge``: one person holding the records of two different men (a candidate scored low,
  status review, both records already in one person), for NON_MATCH / unmerge;
* two complaints against agency A; one phone shared by three workers (a broker's number).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from neo4j import Driver

from graph import identity
from graph.load import load_linked
from graph.queries.gateway_candidates import load_candidates
from linkage.canonical import COLUMNS, PERSON_FIELDS
from linkage.linked import CANDIDATE_COLUMNS, PERSON_COLUMNS, RECORDS_COLUMNS
from linkage.provenance import provenance_json
from linkage.review import candidate_id

GIVEN = ("SITI", "DEWI", "NUR", "SRI", "RINA", "WATI", "ANI", "YULI", "TUTI", "LILIS")
FAMILY = ("AMINAH", "LESTARI", "HAYATI", "RAHAYU", "SUSANTI", "KURNIASIH", "MULYANI", "FITRIANI")
HUSBANDS = ("AHMAD", "BUDI", "EKO", "AGUS", "DEDI", "JOKO", "HERU", "IWAN")
AGENCY_A = ("PT MAJU JAYA MANDIRI", "KEP-101/2019")
AGENCY_B = ("PT SINAR ABADI", "KEP-202/2020")
SHARED_PHONE = "+6281200000099"


@dataclass
class World:
    worker_ids: list[str] = field(default_factory=list)
    spouse_of: dict[str, str] = field(default_factory=dict)
    name_of: dict[str, str] = field(default_factory=dict)
    nik_of: dict[str, str] = field(default_factory=dict)
    passport_of: dict[str, str] = field(default_factory=dict)
    records_of: dict[str, list[str]] = field(default_factory=dict)
    review_candidate: str = ""
    review_persons: tuple[str, str] = ("", "")
    wrong_merge_candidate: str = ""
    wrong_merge_person: str = ""
    wrong_merge_keys: tuple[str, str] = ("", "")
    agency_a: str = identity.agency_id(AGENCY_A[1], AGENCY_A[0])


def _record(key: str, person_id: str, **values: str) -> dict[str, object]:
    source, record_id = key.split(":", 1)
    row: dict[str, object] = dict.fromkeys(COLUMNS, "")
    row.update(record_key=key, source=source, record_id=record_id, file=f"{source}.csv", row_number=1)
    for name, value in values.items():
        row[name] = value
        if f"raw_{name}" in row:
            row[f"raw_{name}"] = value.title() if name == "full_name" else value
    row["person_id"] = person_id
    return row


def _person(person_id: str, records: list[dict[str, object]], *, worker: bool) -> dict[str, object]:
    first = records[0]
    fields = [f for f in PERSON_COLUMNS if f in PERSON_FIELDS]
    golden: dict[str, str] = {f: next((str(r[f]) for r in records if r[f]), "") for f in fields}
    provenance = provenance_json({f: (str(first["record_key"]), "authority") for f, v in golden.items() if v})
    return {
        "person_id": person_id,
        **golden,
        "is_worker": worker,
        "record_count": len(records),
        "provenance": provenance,
    }


def _candidate(left: str, right: str, weight: float, status: str) -> dict[str, object]:
    left, right = sorted((left, right))
    weights = {"name": ("close", 4.2), "birth_date": ("exact", 3.1), "nik": ("null", 0.0)}
    steps = [{"comparison": c, "level": level, "weight": w} for c, (level, w) in weights.items()]
    prior = weight - sum(w for _, w in weights.values())
    return {
        "candidate_id": candidate_id(left, right),
        "left_key": left,
        "right_key": right,
        "match_weight": weight,
        "match_probability": 2**weight / (1 + 2**weight),
        "prior_weight": prior,
        "status": status,
        "explanation": json.dumps(steps),
    }


def write_world(folder: Path, workers: int = 25) -> World:
    world = World()
    records: list[dict[str, object]] = []
    persons: list[dict[str, object]] = []
    candidates: list[dict[str, object]] = []
    for i in range(workers):
        pid, spouse = f"P-{i:04d}", f"P-S{i:04d}"
        name = f"{GIVEN[i % len(GIVEN)]} {FAMILY[(i // len(GIVEN) + i) % len(FAMILY)]}"
        husband = f"{HUSBANDS[i % len(HUSBANDS)]} {FAMILY[(i + 3) % len(FAMILY)]}"
        nik, kk = f"3212{41 + i % 20:02d}0590{i:06d}"[:16], f"3212010101{i:06d}"[:16]
        birth = f"1990-05-{1 + i % 28:02d}"
        agency = AGENCY_A if i % 2 == 0 else AGENCY_B
        phone = SHARED_PHONE if i < 3 else f"+62812000{i:05d}"
        passport = f"C{i:07d}"
        common = {"full_name": name, "birth_date": birth, "nik": nik, "sex": "P", "region_code": "3212"}
        civil = _record(f"dukcapil:{i}", pid, **common, kk_number=kk, family_role="ISTRI", mother_name="IBU")
        placement = _record(
            f"bp2mi:{i}",
            pid,
            **common,
            phone=phone,
            passport_number=passport,
            agency_name=agency[0],
            agency_licence=agency[1],
            employer_name=f"EMPLOYER {i % 4}",
            employer_country="MY" if i % 2 == 0 else "HK",
            destination_country="MY" if i % 2 == 0 else "HK",
            placement_phase="masa",
            placement_status="bekerja",
            departure_date=f"2024-0{1 + i % 9}-15",
            sector="domestic",
            ltsa_office="LTSA KABUPATEN INDRAMAYU" if i % 3 == 0 else "",
        )
        husband_row = _record(
            f"dukcapil:h{i}",
            spouse,
            full_name=husband,
            birth_date="1985-01-01",
            sex="L",
            kk_number=kk,
            family_role="KEPALA KELUARGA",
            region_code="3212",
        )
        records += [civil, placement, husband_row]
        persons += [
            _person(pid, [civil, placement], worker=True),
            _person(spouse, [husband_row], worker=False),
        ]
        world.worker_ids.append(pid)
        world.spouse_of[pid] = spouse
        world.name_of[pid] = name
        world.nik_of[pid] = nik
        world.passport_of[pid] = passport
        world.records_of[pid] = [f"bp2mi:{i}", f"dukcapil:{i}"]

    # Two complaints against agency A, filed by the first two husbands about their wives.
    for n, pid in enumerate(world.worker_ids[:4:2]):
        complaint = _record(
            f"pengaduan:{n}",
            world.spouse_of[pid],
            full_name="PELAPOR",
            related_nik=world.nik_of[pid],
            complaint_id=f"ADU-{n}",
            complaint_date="2025-02-01",
            complaint_type="gaji tidak dibayar",
            agency_name=AGENCY_A[0],
            agency_licence=AGENCY_A[1],
        )
        records.append(complaint)

    # The review pair: a Disnaker record of the first worker that linkage kept apart.
    review_key = "disnaker:77"
    first = world.worker_ids[0]
    review = _record(
        review_key, "P-R0001", full_name="SITI AMINA", birth_date="1990-05-01", region_code="3212"
    )
    records.append(review)
    persons.append(_person("P-R0001", [review], worker=True))
    candidates.append(_candidate(world.records_of[first][1], review_key, 3.5, "review"))
    world.review_candidate = str(candidates[-1]["candidate_id"])
    world.review_persons = (first, "P-R0001")

    # The wrong merge: two different men with the same name put into one person.
    a = _record(
        "disnaker:501", "P-W0001", full_name="AHMAD HIDAYAT", birth_date="1980-02-02", region_code="3212"
    )
    b = _record(
        "bp2mi:w502", "P-W0001", full_name="AHMAD HIDAYAT", birth_date="1992-11-30", region_code="3212"
    )
    records += [a, b]
    persons.append(_person("P-W0001", [a, b], worker=True))
    candidates.append(_candidate("disnaker:501", "bp2mi:w502", 1.2, "review"))
    world.wrong_merge_candidate = str(candidates[-1]["candidate_id"])
    world.wrong_merge_person = "P-W0001"
    world.wrong_merge_keys = ("bp2mi:w502", "disnaker:501")

    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(records)[list(RECORDS_COLUMNS)]
    frame["row_number"] = frame["row_number"].astype("int64")
    frame.to_parquet(folder / "records.parquet", index=False)
    people = pd.DataFrame(persons)[list(PERSON_COLUMNS)]
    people.to_parquet(folder / "persons.parquet", index=False)
    pd.DataFrame(candidates)[list(CANDIDATE_COLUMNS)].to_parquet(folder / "candidates.parquet", index=False)
    return world


def load_world(driver: Driver, folder: Path, workers: int = 25) -> World:
    """Wipe the graph, then load the world through the real loaders (graph.load + candidates)."""
    with driver.session() as session:  # CALL … IN TRANSACTIONS needs an auto-commit transaction
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    world = write_world(folder, workers)
    load_linked(driver, folder)
    load_candidates(driver, folder)
    return world
