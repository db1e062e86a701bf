"""Silo 4: immigration passport issuance (SIMKIM-like), one row per passport, ICAO-style names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ..corruption import NameNoise, Noise
from .base import SiloFile, SiloOutput, SiloSpec, World, iso_dates, write_csv
from .frames import damaged

NOISE: Final = Noise(NameNoise(typo=0.01), nik_error=0.01, missing_nik=0.15)
MIDDLE_EAST: Final = frozenset({"SA", "AE", "QA", "OM"})
# Saudi rules wanted three-word names, so passports for the Gulf gain "BIN/BINTI <father>".
PATRONYMIC_RATE: Final = {True: 0.7, False: 0.1}
_ENGLISH_MONTHS: Final = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_PUNCTUATION: Final = re.compile(r"[^A-Z ]")
# Person fields the passport office copies from the application.
_PERSON: Final = (
    "female",
    "full_name",
    "father_name",
    "nickname",
    "nik",
    "kk_number",
    "birth_iso",
    "phone",
    "address",
    "mother_name",
    "regency_name",
)
HEADER: Final = (
    "NO_PASPOR",
    "NAMA_LENGKAP",
    "JK",
    "TEMPAT_LAHIR",
    "TGL_LAHIR",
    "NIK",
    "KANTOR_IMIGRASI",
    "TGL_TERBIT",
    "TGL_HABIS_BERLAKU",
)
SPEC: Final = SiloSpec(
    name="imigrasi",
    description="Immigration passport issuance for migrant workers (';' CSV)",
    path="imigrasi/paspor.csv",
    format="csv",
    encoding="utf-8",
    delimiter=";",
    record_id="NO_PASPOR",
    trust=0.85,
    columns={
        "NO_PASPOR": "passport_number",
        "NAMA_LENGKAP": "full_name",
        "JK": "sex",
        "TEMPAT_LAHIR": "birth_place",
        "TGL_LAHIR": "birth_date",
        "NIK": "nik",
    },
    values={"sex": {"M": "L", "F": "P"}},
    dates={"birth_date": ("%d %b %Y",)},
)


def icao(name: str) -> str:
    """Passport spelling: titles and punctuation removed, single spaces."""
    name = re.sub(r"^(HJ?\.\s+)", "", name)
    return " ".join(_PUNCTUATION.sub(" ", name).split())


def _passport_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d} {_ENGLISH_MONTHS[int(m) - 1]} {y}"


def write(world: World, placements: pd.DataFrame, out: Path) -> SiloOutput:
    passports = world.market.passports.merge(
        placements[["placement_id", "country", *_PERSON]],
        on="placement_id",
        how="left",
        validate="one_to_one",
    )
    person = damaged(world, passports, NOISE)
    gulf = passports["country"].isin(MIDDLE_EAST).to_numpy()
    add = world.rng.random(len(passports)) < np.where(gulf, PATRONYMIC_RATE[True], PATRONYMIC_RATE[False])
    names = []
    for name, female, father, patronymic in zip(
        person["name"], passports["female"], passports["father_name"], add, strict=True
    ):
        clean = icao(name)
        if patronymic and " BIN " not in clean and " BINTI " not in clean:
            clean = f"{clean} {'BINTI' if female else 'BIN'} {father}"
        names.append(clean)
    regencies = passports["regency_name"].to_numpy()
    # Some apply far from home (the office where the broker has contacts).
    elsewhere = world.rng.random(len(passports)) < 0.2
    office = np.where(elsewhere, world.rng.choice(regencies, size=len(passports)), regencies)
    rows = zip(
        passports["passport_number"],
        names,
        np.where(passports["female"], "F", "M"),
        regencies,
        [_passport_date(d) for d in person["birth_iso"]],
        person["nik"],
        [f"KANIM {o}" for o in office.tolist()],
        iso_dates(passports["issued"]),
        iso_dates(passports["expiry"]),
        strict=True,
    )
    write_csv(out / SPEC.path, HEADER, rows, "utf-8", ";")
    file = SiloFile(
        SPEC.path,
        passports["passport_number"].tolist(),
        passports["person_id"].tolist(),
        ["worker"] * len(passports),
    )
    return SiloOutput(SPEC, [file])
