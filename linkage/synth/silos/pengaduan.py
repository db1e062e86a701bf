"""Silo 7: LTSA complaint desk log — names as the family says them, rarely a NIK, free-text chronology."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from ..complaints import complaint_text
from ..corruption import NameNoise, Noise
from ..regions import ltsa_office
from .base import COUNTRY_NAMES, SiloFile, SiloOutput, SiloSpec, World, iso_dates, reformat, write_csv

NOISE: Final = Noise(
    NameNoise(typo=0.1, old_spelling=0.05, variant=0.05, drop_middle=0.1, swap=0.03, patronymic=0.03),
    missing=0.1,
)
NICKNAME_SHARE: Final = 0.3  # "Bu Sumi", "Wati": the calling name only
NIK_SHARE: Final = 0.25
BIRTH_DATE_SHARE: Final = 0.2
HEADER: Final = (
    "NO_PENGADUAN",
    "TGL_PENGADUAN",
    "NAMA_PMI",
    "NIK_PMI",
    "TGL_LAHIR_PMI",
    "NEGARA",
    "P3MI",
    "SPONSOR",
    "NAMA_PELAPOR",
    "HUBUNGAN",
    "HP_PELAPOR",
    "ALAMAT_PELAPOR",
    "JENIS_MASALAH",
    "KRONOLOGI",
    "LTSA",
)
SPEC: Final = SiloSpec(
    name="pengaduan",
    description="LTSA complaint desk log (reported by families; free text)",
    path="pengaduan/pengaduan_ltsa.csv",
    format="csv",
    encoding="utf-8",
    delimiter=",",
    record_id="NO_PENGADUAN",
    trust=0.2,
    columns={
        "TGL_PENGADUAN": "complaint_date",
        "NAMA_PMI": "full_name",
        "NIK_PMI": "nik",
        "TGL_LAHIR_PMI": "birth_date",
        "NEGARA": "destination_country",
        "P3MI": "agency_name",
        "SPONSOR": "broker_name",
        "NAMA_PELAPOR": "related_name",
        "HP_PELAPOR": "phone",
        "ALAMAT_PELAPOR": "address",
        "JENIS_MASALAH": "complaint_type",
        "KRONOLOGI": "complaint_text",
        "LTSA": "ltsa_office",
    },
    values={"destination_country": {v: k for k, v in COUNTRY_NAMES.items()}},
    dates={"complaint_date": ("%d/%m/%Y",), "birth_date": ("%d/%m/%Y",)},
)


def write(world: World, placements: pd.DataFrame, people: pd.DataFrame, out: Path) -> SiloOutput:
    rng, rnd = world.rng, world.rnd
    complaints = world.complaints
    frame = complaints.merge(placements, on=["placement_id", "person_id"], how="left", validate="many_to_one")
    reporters = people.set_index("person_id").loc[frame["reporter_id"]].reset_index()
    names = NOISE.apply_names(
        rng,
        rnd,
        frame["full_name"].tolist(),
        frame["female"].tolist(),
        frame["father_name"].tolist(),
        frame["nickname"].tolist(),
    )
    nickname = rng.random(len(frame)) < NICKNAME_SHARE
    with_nik = rng.random(len(frame)) < NIK_SHARE
    with_birth = rng.random(len(frame)) < BIRTH_DATE_SHARE
    regencies = world.regions.by_code()
    dates = iso_dates(frame["complaint_date"])
    col = {
        c: [str(v) for v in frame[c].tolist()]
        for c in (
            "nickname",
            "country",
            "departure_iso",
            "problem",
            "relation",
            "broker_name",
            "regency_code",
            "complaint_id",
            "nik",
            "birth_iso",
            "agency_name",
            "complaint_type",
        )
    }
    female = frame["female"].tolist()
    template = frame["template"].tolist()
    reporter_names = reporters["full_name"].tolist()
    reporter_phones = NOISE.blank(rng, reporters["phone"].tolist())
    reporter_addresses = NOISE.blank(rng, reporters["address"].tolist())
    rows = []
    for i in range(len(frame)):
        nick = col["nickname"][i]
        name = (
            (("BU " if female[i] else "PAK ") + nick if rnd.random() < 0.4 else nick)
            if nickname[i]
            else names[i]
        )
        country = COUNTRY_NAMES[col["country"][i]]
        year = dates[i][:4]
        text = complaint_text(
            template[i],
            nama=name,
            negara=country,
            tahun=col["departure_iso"][i][:4] or year,
            masalah=col["problem"][i],
            rel=col["relation"][i].lower(),
            sponsor=col["broker_name"][i] or "-",
            pelapor=reporter_names[i],
        )
        regency = regencies[col["regency_code"][i]]
        rows.append(
            (
                col["complaint_id"][i],
                reformat(dates[i], "dmy/"),
                name,
                col["nik"][i] if with_nik[i] else "",
                reformat(col["birth_iso"][i], "dmy/") if with_birth[i] else "",
                country,
                col["agency_name"][i],
                col["broker_name"][i],
                reporter_names[i],
                col["relation"][i],
                reporter_phones[i],
                reporter_addresses[i],
                col["complaint_type"][i],
                text,
                ltsa_office(regency, int(year)) or f"DISNAKER KAB. {regency.name}",
            )
        )
    write_csv(out / SPEC.path, HEADER, rows, "utf-8", ",")
    file = SiloFile(SPEC.path, col["complaint_id"], frame["person_id"].tolist(), ["worker"] * len(frame))
    return SiloOutput(SPEC, [file])
