"""Silo 2: regency manpower offices' CPMI registers, one file per regency, three house styles.

Most offices export UTF-8 CSV; Kab. Cirebon's old desktop application writes Latin-1; the Jawa Timur
offices use a provincial template with semicolons. Each style is its own manifest source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from ..corruption import NameNoise, Noise
from ..regions import ltsa_office
from .base import COUNTRY_NAMES, SiloFile, SiloOutput, SiloSpec, World, reformat, write_csv
from .frames import damaged, with_duplicates

NOISE: Final = Noise(
    NameNoise(
        typo=0.04,
        old_spelling=0.03,
        variant=0.05,
        title=0.03,
        alias=0.01,
        patronymic=0.02,
        swap=0.02,
        drop_middle=0.02,
    ),
    date_swap=0.03,
    nik_error=0.04,
    missing=0.06,
    missing_nik=0.02,
    duplicate=0.03,
)
COVERAGE: Final = 0.85
LATIN1_REGENCY: Final = "3209"  # Kab. Cirebon
SEMICOLON_PROVINCE: Final = "35"  # Jawa Timur
HEADER: Final = (
    "NO_REG",
    "NIK",
    "NAMA LENGKAP",
    "JK",
    "TEMPAT/TGL LAHIR",
    "ALAMAT",
    "NO HP",
    "NAMA IBU KANDUNG",
    "PPTKIS",
    "NEGARA TUJUAN",
    "JABATAN",
    "KAB/KOTA",
    "LTSA",
    "ID REKOM",
)
_COLUMNS: Final = {
    "NIK": "nik",
    "NAMA LENGKAP": "full_name",
    "JK": "sex",
    "ALAMAT": "address",
    "NO HP": "phone",
    "NAMA IBU KANDUNG": "mother_name",
    "PPTKIS": "agency_name",
    "NEGARA TUJUAN": "destination_country",
    "JABATAN": "sector",
    "KAB/KOTA": "region_code",
    "LTSA": "ltsa_office",
}
_VALUES: Final = {
    "sex": {"LK": "L", "PR": "P", "L": "L", "P": "P"},
    "destination_country": {v: k for k, v in COUNTRY_NAMES.items()},
}
_SPLIT: Final = {"TEMPAT/TGL LAHIR": (("birth_place", "birth_date"), ",")}


def _spec(name: str, description: str, folder: str, encoding: str, delimiter: str, date: str) -> SiloSpec:
    """The three regency registers share one template; only file conventions differ."""
    return SiloSpec(
        name=name,
        description=description,
        path=f"{folder}/*.csv",
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        record_id="NO_REG",
        trust=0.6,
        columns=_COLUMNS,
        split=_SPLIT,
        values=_VALUES,
        dates={"birth_date": (date,)},
        constants={"placement_phase": "pra", "procedural": "true"},
    )


SPECS: Final = {
    "utf8": _spec(
        "disnaker",
        "Regency Disnaker CPMI registers (one CSV per regency)",
        "disnaker",
        "utf-8",
        ",",
        "%d-%m-%Y",
    ),
    "latin1": _spec(
        "disnaker_cirebon",
        "Disnaker Kab. Cirebon CPMI register (Latin-1 export)",
        "disnaker_latin1",
        "latin-1",
        ",",
        "%d-%m-%Y",
    ),
    "semicolon": _spec(
        "disnaker_jatim",
        "Jawa Timur regency Disnaker registers (provincial template, ';')",
        "disnaker_jatim",
        "utf-8",
        ";",
        "%d/%m/%Y",
    ),
}
_FOLDERS: Final = {"utf8": "disnaker", "latin1": "disnaker_latin1", "semicolon": "disnaker_jatim"}


def _style(regency_code: str) -> str:
    if regency_code == LATIN1_REGENCY:
        return "latin1"
    return "semicolon" if regency_code.startswith(SEMICOLON_PROVINCE) else "utf8"


def write(world: World, placements: pd.DataFrame, out: Path) -> list[SiloOutput]:
    frame = placements[placements["procedural"]]
    frame = frame[world.rng.random(len(frame)) < COVERAGE]
    frame = with_duplicates(world, frame.reset_index(drop=True), NOISE.duplicate)
    person = damaged(world, frame, NOISE)
    regencies = world.regions.by_code()
    year = pd.DatetimeIndex(frame["registered"]).year.to_numpy()
    offices = [ltsa_office(regencies[c], int(y)) for c, y in zip(frame["regency_code"], year, strict=True)]
    serial = frame.groupby("regency_code").cumcount().to_numpy() + 1
    ids = [f"{c}-{y}-{s:05d}" for c, y, s in zip(frame["regency_code"], year, serial, strict=True)]
    col = {
        c: frame[c].tolist() for c in ("female", "regency_name", "agency_name", "country", "job", "person_id")
    }
    files: dict[str, list[SiloFile]] = {style: [] for style in SPECS}
    for code, positions in frame.groupby("regency_code", sort=True).indices.items():
        rows = [int(i) for i in positions]
        style = _style(str(code))
        date_style = "dmy/" if style == "semicolon" else "dmy-"
        sex = ("L", "P") if style == "semicolon" else ("LK", "PR")
        body = []
        for i in rows:
            address = person["address"][i]
            if style == "latin1":
                address = address.replace("DESA ", "DÉSA ")  # the local spelling the old app kept
            body.append(
                (
                    ids[i],
                    person["nik"][i],
                    person["name"][i],
                    sex[int(col["female"][i])],
                    f"{col['regency_name'][i]}, {reformat(person['birth_iso'][i], date_style)}",
                    address,
                    person["phone"][i],
                    person["mother"][i],
                    col["agency_name"][i],
                    COUNTRY_NAMES[col["country"][i]],
                    col["job"][i],
                    f"KAB. {col['regency_name'][i]}",
                    offices[i],
                    f"REKOM/{ids[i]}",
                )
            )
        slug = regencies[str(code)].name.lower().replace(" ", "_")
        relative = f"{_FOLDERS[style]}/cpmi_{code}_{slug}.csv"
        write_csv(out / relative, HEADER, body, SPECS[style].encoding, SPECS[style].delimiter)
        files[style].append(
            SiloFile(
                relative, [ids[i] for i in rows], [col["person_id"][i] for i in rows], ["worker"] * len(rows)
            )
        )
    return [SiloOutput(SPECS[s], f) for s, f in files.items()]
