"""Silo 1: the national placement system (Sisko P2MI-like): procedural placements, fairly clean."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ..corruption import NameNoise, Noise
from .base import COUNTRY_NAMES, SiloFile, SiloOutput, SiloSpec, World, write_csv
from .frames import damaged

NOISE: Final = Noise(NameNoise(typo=0.01, variant=0.02), date_swap=0.005, nik_error=0.005, missing=0.03)
STATUS: Final = {"pra": "PRA PENEMPATAN", "masa": "MASA PENEMPATAN", "purna": "PURNA PENEMPATAN"}
HEADER: Final = (
    "ID_CPMI",
    "NIK",
    "NAMA",
    "JENIS_KELAMIN",
    "TEMPAT_LAHIR",
    "TANGGAL_LAHIR",
    "NAMA_IBU",
    "ALAMAT",
    "KODE_KAB",
    "NO_HP",
    "NO_PASPOR",
    "NAMA_P3MI",
    "NO_SIP3MI",
    "NEGARA_PENEMPATAN",
    "JABATAN",
    "NAMA_PENGGUNA",
    "STATUS",
    "TGL_BERANGKAT",
    "TGL_KEPULANGAN",
    "NO_KPJ",
)
SPEC: Final = SiloSpec(
    name="sisko_p2mi",
    description="National placement system extract (procedural placements, all phases)",
    path="sisko_p2mi/penempatan.csv",
    format="csv",
    encoding="utf-8",
    delimiter=",",
    record_id="ID_CPMI",
    trust=0.8,
    columns={
        "NIK": "nik",
        "NAMA": "full_name",
        "JENIS_KELAMIN": "sex",
        "TEMPAT_LAHIR": "birth_place",
        "TANGGAL_LAHIR": "birth_date",
        "NAMA_IBU": "mother_name",
        "ALAMAT": "address",
        "KODE_KAB": "region_code",
        "NO_HP": "phone",
        "NO_PASPOR": "passport_number",
        "NAMA_P3MI": "agency_name",
        "NO_SIP3MI": "agency_licence",
        "NEGARA_PENEMPATAN": "destination_country",
        "JABATAN": "sector",
        "NAMA_PENGGUNA": "employer_name",
        "STATUS": "placement_phase",
        "TGL_BERANGKAT": "departure_date",
        "TGL_KEPULANGAN": "return_date",
        "NO_KPJ": "bpjs_number",
    },
    values={
        "sex": {"LAKI-LAKI": "L", "PEREMPUAN": "P"},
        "placement_phase": {v: k for k, v in STATUS.items()},
        "destination_country": {v: k for k, v in COUNTRY_NAMES.items()},
    },
    dates={"birth_date": ("%Y-%m-%d",), "departure_date": ("%Y-%m-%d",), "return_date": ("%Y-%m-%d",)},
    constants={"procedural": "true"},
)


def write(world: World, placements: pd.DataFrame, out: Path) -> SiloOutput:
    frame = placements[placements["procedural"]]
    # Pre-placement registrants appear once they hold an ID; some are still upstream in SIAPkerja.
    frame = frame[(frame["phase"] != "pra") | (world.rng.random(len(frame)) < 0.7)].reset_index(drop=True)
    person = damaged(world, frame, NOISE)
    phone = np.where(frame["phase"] == "masa", frame["foreign_phone"], person["phone"])
    ids = [f"CPMI{p[1:]}" for p in frame["placement_id"].tolist()]
    rows = zip(
        ids,
        person["nik"],
        person["name"],
        np.where(frame["female"], "PEREMPUAN", "LAKI-LAKI"),
        frame["regency_name"],
        person["birth_iso"],
        person["mother"],
        person["address"],
        frame["regency_code"],
        phone,
        frame["passport_number"],
        frame["agency_name"],
        frame["agency_licence"],
        [COUNTRY_NAMES[c] for c in frame["country"].tolist()],
        frame["job"],
        frame["employer_name"],
        [STATUS[p] for p in frame["phase"].tolist()],
        frame["departure_iso"],
        frame["return_iso"],
        frame["bpjs_number"],
        strict=True,
    )
    write_csv(out / SPEC.path, HEADER, rows, "utf-8", ",")
    file = SiloFile(SPEC.path, ids, frame["person_id"].tolist(), ["worker"] * len(frame))
    return SiloOutput(SPEC, [file])
