"""Silo 5: placement agencies' own worker lists — Excel workbooks, one per agency, the dirtiest silo.

Agency staff type names as they hear them, paste NIKs that Excel turns into numbers or 3.20113E+15,
mix date styles and sex codes, and write the village sponsor and the sponsor's phone next to each worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from ..corruption import NameNoise, Noise, excel_scientific
from .base import COUNTRY_NAMES, SiloFile, SiloOutput, SiloSpec, World, reformat, write_xlsx
from .frames import damaged, with_duplicates

NOISE: Final = Noise(
    NameNoise(
        typo=0.08,
        old_spelling=0.05,
        variant=0.08,
        title=0.05,
        alias=0.03,
        patronymic=0.05,
        swap=0.04,
        drop_middle=0.04,
    ),
    date_swap=0.05,
    nik_error=0.08,
    missing=0.1,
    missing_nik=0.05,
    duplicate=0.05,
)
COVERAGE: Final = 0.75
EXCEL_NUMBER_SHARE: Final = 0.2  # NIK stored as a number cell
EXCEL_SCIENTIFIC_SHARE: Final = 0.1  # NIK pasted back from a CSV as 3.20113E+15
SAME_ID_SHARE: Final = 0.2  # of duplicates: the row pasted twice, same registration number
SHEET: Final = "DATA CPMI"
STATUS: Final = {"pra": "PROSES", "masa": "TERBANG", "purna": "PULANG"}
COUNTRY_SPELLINGS: Final = {
    "HK": ("HONGKONG", "HONG KONG", "HK"),
    "TW": ("TAIWAN", "TAIWAN R.O.C"),
    "MY": ("MALAYSIA", "MSIA"),
    "SG": ("SINGAPURA", "SINGAPORE"),
    "SA": ("ARAB SAUDI", "SAUDI"),
    "JP": ("JEPANG",),
    "KR": ("KOREA",),
    "IT": ("ITALIA",),
    "BN": ("BRUNEI",),
    "TR": ("TURKI",),
    "AE": ("UEA", "DUBAI"),
    "QA": ("QATAR",),
    "OM": ("OMAN",),
}
SEX_SPELLINGS: Final = {False: ("L", "LK", "PRIA"), True: ("P", "PR", "WANITA")}
HEADER: Final = (
    "NO",
    "NO. REG",
    "NAMA CPMI",
    "NIK",
    "TEMPAT/TGL LAHIR",
    "L/P",
    "ALAMAT",
    "NO HP",
    "NEGARA",
    "PENGGUNA",
    "JABATAN",
    "SPONSOR",
    "HP SPONSOR",
    "STATUS",
    "KETERANGAN",
)
SPEC: Final = SiloSpec(
    name="p3mi",
    description="P3MI agency worker lists (one Excel workbook per agency)",
    path="p3mi/*.xlsx",
    format="xlsx",
    sheet=SHEET,
    header_row=3,
    record_id="NO. REG",
    trust=0.4,
    columns={
        "NAMA CPMI": "full_name",
        "NIK": "nik",
        "L/P": "sex",
        "ALAMAT": "address",
        "NO HP": "phone",
        "NEGARA": "destination_country",
        "PENGGUNA": "employer_name",
        "JABATAN": "sector",
        "SPONSOR": "broker_name",
        "HP SPONSOR": "broker_phone",
        "STATUS": "placement_phase",
    },
    split={"TEMPAT/TGL LAHIR": (("birth_place", "birth_date"), ",")},
    values={
        "sex": {s: "P" if female else "L" for female, spellings in SEX_SPELLINGS.items() for s in spellings},
        "destination_country": {s: c for c, spellings in COUNTRY_SPELLINGS.items() for s in spellings},
        "placement_phase": {v: k for k, v in STATUS.items()},
    },
    dates={"birth_date": ("%d-%m-%Y", "%d/%m/%Y", "%d/%m/%y")},
    constants={"procedural": "true"},
)


def _nik_cell(nik: str, draw: float) -> object:
    if not nik.isdigit() or len(nik) != 16:
        return nik
    if draw < EXCEL_NUMBER_SHARE:
        return int(nik)
    if draw < EXCEL_NUMBER_SHARE + EXCEL_SCIENTIFIC_SHARE:
        return excel_scientific(nik)
    return nik


def write(world: World, placements: pd.DataFrame, out: Path) -> SiloOutput:
    rng, rnd = world.rng, world.rnd
    frame = placements[placements["agency_id"] != ""]
    frame = frame[rng.random(len(frame)) < COVERAGE].sort_values(["agency_id", "registered"], kind="stable")
    frame = with_duplicates(world, frame.reset_index(drop=True), NOISE.duplicate)
    person = damaged(world, frame, NOISE)
    draws = rng.random((len(frame), 4))
    col = {
        c: frame[c].tolist()
        for c in (
            "is_copy",
            "female",
            "country",
            "regency_name",
            "employer_name",
            "job",
            "broker_name",
            "broker_phone",
            "phase",
            "person_id",
        )
    }
    agencies = world.market.agencies.set_index("agency_id")
    files = []
    for agency_id, positions in frame.groupby("agency_id", sort=True).indices.items():
        rows = [int(i) for i in positions]
        name_of_agency, licence = (str(v) for v in agencies.loc[str(agency_id), ["name", "licence"]])
        ids: list[str] = []
        body = []
        for number, i in enumerate(rows, start=1):
            same_id = bool(col["is_copy"][i]) and draws[i, 3] < SAME_ID_SHARE and bool(ids)
            ids.append(ids[-1] if same_id else f"{agency_id}/{number:05d}")
            name = person["name"][i]
            if draws[i, 0] < 0.2:  # staff who type in mixed case
                name = name.title()
            date_style = "dmy-" if draws[i, 1] < 0.6 else ("dmy/" if draws[i, 1] < 0.9 else "dmy/yy")
            country = col["country"][i]
            body.append(
                (
                    number,
                    ids[-1],
                    name,
                    _nik_cell(person["nik"][i], draws[i, 2]),
                    f"{col['regency_name'][i]}, {reformat(person['birth_iso'][i], date_style)}",
                    rnd.choice(SEX_SPELLINGS[bool(col["female"][i])]),
                    person["address"][i],
                    person["phone"][i],
                    rnd.choice(COUNTRY_SPELLINGS.get(country, (COUNTRY_NAMES[country],))),
                    col["employer_name"][i],
                    col["job"][i],
                    col["broker_name"][i],
                    col["broker_phone"][i],
                    STATUS[col["phase"][i]],
                    ""
                    if rnd.random() < 0.8
                    else rnd.choice(("MEDICAL FIT", "TUNGGU VISA", "SUDAH OPP", "UNFIT")),
                )
            )
        slug = name_of_agency.lower().removeprefix("pt ").replace(" ", "_")
        relative = f"p3mi/{agency_id}_{slug}.xlsx"
        preamble = ((f"DAFTAR CPMI {name_of_agency}",), (f"SIP3MI: {licence}  -  PER 30/06/2025",))
        write_xlsx(out / relative, SHEET, preamble, HEADER, body)
        files.append(SiloFile(relative, ids, [col["person_id"][i] for i in rows], ["worker"] * len(rows)))
    return SiloOutput(SPEC, files)
