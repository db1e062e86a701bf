"""Silo 6: BPJS Ketenagakerjaan membership from an API (JSON Lines): members and their heirs."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ..corruption import NameNoise, Noise
from ..population import kinship
from .base import SiloFile, SiloOutput, SiloSpec, World, write_jsonl
from .frames import damaged

NOISE: Final = Noise(NameNoise(typo=0.02, variant=0.03), date_swap=0.01, nik_error=0.02, missing=0.05)
HEIR_NOISE: Final = Noise(NameNoise(typo=0.03, variant=0.03), nik_error=0.03, missing=0.1, missing_nik=0.2)
COVERAGE: Final = 0.85
SPEC: Final = SiloSpec(
    name="bpjs_tk",
    description="BPJS Ketenagakerjaan members and heirs (API export, JSON Lines)",
    path="bpjs/kepesertaan.jsonl",
    format="jsonl",
    record_id="id",
    trust=0.7,
    columns={
        "kpj": "bpjs_number",
        "nik": "nik",
        "nama": "full_name",
        "tgl_lahir": "birth_date",
        "jenis_kelamin": "sex",
        "no_hp": "phone",
        "alamat": "address",
        "hubungan": "relation",
        "nik_peserta": "related_nik",
        "nama_peserta": "related_name",
        "negara_penempatan": "destination_country",
        "p3mi": "agency_name",
    },
    values={"relation": {"PESERTA": ""}},
    dates={"birth_date": ("%Y-%m-%dT%H:%M:%S",)},
    constants={"procedural": "true"},
)


def _timestamp(iso: str) -> str | None:
    return f"{iso}T00:00:00" if iso else None


def _heirs(members: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Card members named as heirs of each member row: spouse and children (up to three), or, for an
    unmarried child who works, the parents (up to two). ``member_row`` points back at ``members``."""
    pairs = (
        members[["family_id", "person_id", "family_role"]]
        .reset_index(names="member_row")
        .merge(people, on="family_id", suffixes=("_worker", ""))
    )
    pairs = pairs[pairs["person_id"] != pairs["person_id_worker"]]
    worker_is_child = pairs["family_role_worker"] == "ANAK"
    spouse_or_head = pairs["family_role"].isin(["KEPALA KELUARGA", "ISTRI", "SUAMI"])
    eligible = np.where(worker_is_child, spouse_or_head, spouse_or_head | (pairs["family_role"] == "ANAK"))
    pairs = pairs[eligible].sort_values(["member_row", "position"], kind="stable")
    rank = pairs.groupby("member_row").cumcount().to_numpy() + 1
    limit = np.where(pairs["family_role_worker"] == "ANAK", 2, 3)
    pairs = pairs[rank <= limit].assign(heir_number=rank[rank <= limit])
    relation = [
        kinship(worker, heir, female)
        for worker, heir, female in zip(
            pairs["family_role_worker"], pairs["family_role"], pairs["female"], strict=True
        )
    ]
    return pairs.assign(relation=relation).reset_index(drop=True)


def write(world: World, placements: pd.DataFrame, people: pd.DataFrame, out: Path) -> SiloOutput:
    frame = placements[placements["procedural"]]
    frame = frame[world.rng.random(len(frame)) < COVERAGE].reset_index(drop=True)
    person = damaged(world, frame, NOISE)
    kpj = frame["bpjs_number"].tolist()
    abroad = (frame["phase"] == "masa").to_numpy() & (frame["foreign_phone"] != "").to_numpy()
    phones = np.where(abroad, frame["foreign_phone"], person["phone"]).tolist()
    countries = frame["country"].tolist()
    members = [
        {
            "id": k,
            "kpj": k,
            "nik": nik or None,
            "nama": name,
            "tgl_lahir": _timestamp(birth),
            "jenis_kelamin": "P" if female else "L",
            "no_hp": phone or None,
            "alamat": address or None,
            "hubungan": "PESERTA",
            "nik_peserta": None,
            "nama_peserta": None,
            "negara_penempatan": country,
            "p3mi": agency or None,
        }
        for k, nik, name, birth, female, phone, address, country, agency in zip(
            kpj,
            person["nik"],
            person["name"],
            person["birth_iso"],
            frame["female"].tolist(),
            phones,
            person["address"],
            countries,
            frame["agency_name"].tolist(),
            strict=True,
        )
    ]
    heirs = _heirs(frame, people)
    heir_person = damaged(world, heirs, HEIR_NOISE)
    by_member: dict[int, list[dict[str, str | None]]] = {}
    for j, (row, number, female, relation) in enumerate(
        zip(
            heirs["member_row"].tolist(),
            heirs["heir_number"].tolist(),
            heirs["female"].tolist(),
            heirs["relation"].tolist(),
            strict=True,
        )
    ):
        by_member.setdefault(row, []).append(
            {
                "id": f"{kpj[row]}-AW{number}",
                "kpj": kpj[row],
                "nik": heir_person["nik"][j] or None,
                "nama": heir_person["name"][j],
                "tgl_lahir": _timestamp(heir_person["birth_iso"][j]),
                "jenis_kelamin": "P" if female else "L",
                "no_hp": None,
                "alamat": heir_person["address"][j] or None,
                "hubungan": relation,
                "nik_peserta": members[row]["nik"],
                "nama_peserta": members[row]["nama"],
                "negara_penempatan": countries[row],
                "p3mi": None,
            }
        )
    heir_ids = dict(
        zip(
            heirs["member_row"].astype(str) + "-" + heirs["heir_number"].astype(str),
            heirs["person_id"],
            strict=True,
        )
    )
    workers = frame["person_id"].tolist()
    records: list[dict[str, str | None]] = []
    ids, persons, roles = [], [], []
    for row, member in enumerate(members):
        records.append(member)
        ids.append(str(member["id"]))
        persons.append(workers[row])
        roles.append("worker")
        for number, heir in enumerate(by_member.get(row, []), start=1):
            records.append(heir)
            ids.append(str(heir["id"]))
            persons.append(heir_ids[f"{row}-{number}"])
            roles.append("family")
    write_jsonl(out / SPEC.path, records)
    return SiloOutput(SPEC, [SiloFile(SPEC.path, ids, persons, roles)])
