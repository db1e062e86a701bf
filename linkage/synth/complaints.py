"""Complaints reported to LTSA desks, mostly by a worker's family, mostly about placements abroad."""

from __future__ import annotations

import random
from typing import Final

import numpy as np
import pandas as pd

from .population import REFERENCE_DATE, Population, kinship

COMPLAINT_RATE: Final = {True: 0.04, False: 0.12}  # procedural / non-procedural placement abroad
PRA_COMPLAINT_RATE: Final = 0.01
REPEAT_REPORT_SHARE: Final = 0.1  # the same case reported again by another relative
TYPES_ABROAD: Final = (
    "GAJI TIDAK DIBAYAR",
    "PENGANIAYAAN",
    "PHK SEPIHAK",
    "SAKIT",
    "MENINGGAL DUNIA",
    "HILANG KONTAK",
    "DEPORTASI",
    "OVERSTAY",
    "PEMALSUAN DOKUMEN",
    "PELECEHAN SEKSUAL",
    "TIDAK DIPULANGKAN",
)
TYPES_PRA: Final = ("GAGAL BERANGKAT", "BIAYA PENEMPATAN BERLEBIH", "PENAHANAN DOKUMEN")
_TEMPLATES: Final = (
    "{rel} melaporkan {nama} bekerja di {negara} sejak {tahun}, {masalah}.",
    "Pelapor ({rel}) menyampaikan sdr {nama} {masalah} di {negara}. Berangkat lewat sponsor {sponsor}.",
    "{nama} berangkat {tahun} ke {negara}, keluarga mengadu {masalah}. Mohon bantuan pemulangan.",
    "Keluarga a.n. {pelapor} melapor: {masalah}. PMI a.n. {nama}, negara {negara}.",
)
_PROBLEM_TEXT: Final = {
    "GAJI TIDAK DIBAYAR": "gaji tidak dibayar sudah {n} bulan",
    "PENGANIAYAAN": "mengalami penganiayaan oleh majikan",
    "PHK SEPIHAK": "di-PHK sepihak sebelum kontrak selesai",
    "SAKIT": "sakit dan tidak bisa bekerja",
    "MENINGGAL DUNIA": "dikabarkan meninggal dunia",
    "HILANG KONTAK": "hilang kontak sejak {n} bulan",
    "DEPORTASI": "dideportasi dan ditahan",
    "OVERSTAY": "overstay dan takut ditangkap",
    "PEMALSUAN DOKUMEN": "dokumen dipalsukan oleh sponsor",
    "PELECEHAN SEKSUAL": "mengalami pelecehan",
    "TIDAK DIPULANGKAN": "kontrak habis tetapi tidak dipulangkan",
    "GAGAL BERANGKAT": "gagal berangkat padahal sudah bayar",
    "BIAYA PENEMPATAN BERLEBIH": "dimintai biaya penempatan berlebih",
    "PENAHANAN DOKUMEN": "KTP dan ijazah ditahan P3MI",
}


def _reporter(
    rnd: random.Random, worker: tuple[str, str], members: list[tuple[str, str, bool]]
) -> tuple[str, str]:
    """A relative on the same card, or the worker when nobody else is there (20% report themselves)."""
    worker_id, worker_role = worker
    relatives = [m for m in members if m[0] != worker_id]
    if not relatives or rnd.random() < 0.2:
        return worker_id, "PMI SENDIRI"
    person, role, female = rnd.choice(relatives)
    return person, kinship(worker_role, role, female)


def make_complaints(
    rng: np.random.Generator, rnd: random.Random, population: Population, placements: pd.DataFrame
) -> pd.DataFrame:
    abroad = placements["phase"].to_numpy() != "pra"
    rate = np.where(
        abroad,
        np.where(placements["procedural"].to_numpy(), COMPLAINT_RATE[True], COMPLAINT_RATE[False]),
        PRA_COMPLAINT_RATE,
    )
    hit = np.flatnonzero(rng.random(len(placements)) < rate)
    repeat = hit[rng.random(len(hit)) < REPEAT_REPORT_SHARE]
    rows = np.sort(np.r_[hit, repeat], kind="stable")
    people = population.people
    family_of = dict(zip(people["person_id"], people["family_id"], strict=True))
    role_of = dict(zip(people["person_id"], people["family_role"], strict=True))
    members: dict[int, list[tuple[str, str, bool]]] = {}
    for person, fam, role, female in zip(
        people["person_id"], people["family_id"], people["family_role"], people["female"], strict=True
    ):
        members.setdefault(int(fam), []).append((str(person), str(role), bool(female)))
    records = []
    for serial, row in enumerate(rows.tolist(), start=1):
        placement = placements.iloc[row]
        worker = str(placement["person_id"])
        reporter, relation = _reporter(rnd, (worker, str(role_of[worker])), members[int(family_of[worker])])
        kind = rnd.choice(TYPES_ABROAD if abroad[row] else TYPES_PRA)
        start = placement["departure"] if not pd.isna(placement["departure"]) else placement["registered"]
        span = max(1, int((REFERENCE_DATE - np.datetime64(start, "D")).astype(int)))
        date = np.datetime64(start, "D") + np.timedelta64(rnd.randrange(span), "D")
        records.append(
            {
                "complaint_id": f"ADU-{pd.Timestamp(date).year}-{serial:06d}",
                "person_id": worker,
                "placement_id": placement["placement_id"],
                "reporter_id": reporter,
                "relation": relation,
                "complaint_date": date,
                "complaint_type": kind,
                "problem": _PROBLEM_TEXT[kind].format(n=rnd.randint(2, 14)),
                "template": rnd.randrange(len(_TEMPLATES)),
            }
        )
    return pd.DataFrame(
        records,
        columns=[
            "complaint_id",
            "person_id",
            "placement_id",
            "reporter_id",
            "relation",
            "complaint_date",
            "complaint_type",
            "problem",
            "template",
        ],
    )


def complaint_text(template: int, **fields: str) -> str:
    """The desk officer's free-text chronology (kronologi)."""
    return _TEMPLATES[template].format(**fields)
