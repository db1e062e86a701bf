"""Silo 3: the civil-registry extract (biodata with family cards) — the cleanest source."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from ..corruption import NameNoise, Noise
from .base import SiloFile, SiloOutput, SiloSpec, World, reformat, write_csv

NOISE: Final = Noise(NameNoise(typo=0.003))
HEADER: Final = (
    "NIK",
    "NO_KK",
    "NAMA_LGKP",
    "JENIS_KLMIN",
    "TMPT_LHR",
    "TGL_LHR",
    "STAT_HBKEL",
    "NAMA_LGKP_IBU",
    "NAMA_LGKP_AYAH",
    "ALAMAT",
    "KODE_WIL",
)
SPEC: Final = SiloSpec(
    name="dukcapil",
    description="Dukcapil biodata extract with family cards (KK) for the sending regencies",
    path="dukcapil/biodata_kk.csv",
    format="csv",
    encoding="utf-8",
    delimiter=",",
    record_id="NIK",
    trust=0.95,
    columns={
        "NIK": "nik",
        "NO_KK": "kk_number",
        "NAMA_LGKP": "full_name",
        "JENIS_KLMIN": "sex",
        "TMPT_LHR": "birth_place",
        "TGL_LHR": "birth_date",
        "STAT_HBKEL": "family_role",
        "NAMA_LGKP_IBU": "mother_name",
        "ALAMAT": "address",
        "KODE_WIL": "region_code",
    },
    values={"sex": {"LAKI-LAKI": "L", "PEREMPUAN": "P"}},
    dates={"birth_date": ("%d-%m-%Y",)},
)


def write(world: World, people: pd.DataFrame, workers: set[str], out: Path) -> SiloOutput:
    frame = people.sort_values(["kk_number", "position"], kind="stable").reset_index(drop=True)
    names = NOISE.apply_names(
        world.rng,
        world.rnd,
        frame["full_name"].tolist(),
        frame["female"].tolist(),
        frame["father_name"].tolist(),
        frame["nickname"].tolist(),
    )
    fathers = np.where(frame["family_role"] == "ANAK", frame["father_name"], "")
    rows = zip(
        frame["nik"],
        frame["kk_number"],
        names,
        np.where(frame["female"], "PEREMPUAN", "LAKI-LAKI"),
        frame["regency_name"],
        [reformat(d, "dmy-") for d in frame["birth_iso"].tolist()],
        frame["family_role"],
        frame["mother_name"],
        fathers,
        frame["address"],
        frame["regency_code"],
        strict=True,
    )
    write_csv(out / SPEC.path, HEADER, rows, "utf-8", ",")
    roles = ["worker" if p in workers else "family" for p in frame["person_id"].tolist()]
    file = SiloFile(SPEC.path, frame["nik"].tolist(), frame["person_id"].tolist(), roles)
    return SiloOutput(SPEC, [file])
