"""Where synthetic people live: sending-region weights and LTSA offices over the reference table.

Region codes and names come from the shared reference table (``linkage/reference/regions.csv``); this
module only adds what the synthetic model needs on top: how strongly each regency sends workers
(provincial shares and named top regencies, per the domain brief) and which regencies have an LTSA.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from .names import Tradition

REGIONS_CSV: Final = Path(__file__).resolve().parent.parent / "reference" / "regions.csv"

# Share of placements by province (2024 national data, rounded; the rest is spread over all others).
PROVINCE_SHARE: Final = {
    "35": 0.265,
    "33": 0.225,
    "32": 0.205,
    "52": 0.10,
    "18": 0.085,
    "12": 0.03,
    "51": 0.025,
    "36": 0.01,
    "73": 0.008,
    "53": 0.01,
}
OTHER_PROVINCES_SHARE: Final = 0.037
# Kabupaten known to dominate their province (by name in the reference table); the multiplier lifts
# them above the province average.
TOP_REGENCIES: Final = {
    "INDRAMAYU": 14.0,  # top national sender for years
    "CIREBON": 8.0,
    "CILACAP": 8.0,
    "LAMPUNG TIMUR": 6.0,
    "SUBANG": 5.0,
    "PONOROGO": 7.0,  # first in Jawa Timur
    "TULUNGAGUNG": 4.0,
    "BLITAR": 4.0,
    "MALANG": 3.5,
    "BANYUWANGI": 3.5,
    "MADIUN": 3.0,
    "KEDIRI": 3.0,
    "KENDAL": 4.0,
    "LOMBOK TIMUR": 3.5,
    "LOMBOK TENGAH": 3.0,
    "LOMBOK BARAT": 2.0,
    "SUMBAWA": 2.0,
    "BIMA": 2.0,
}
# Kabupaten with an LTSA and the year it opened (2015–2021 chronology in the domain brief). Some top
# senders (Lampung Timur until 2021, Kediri, Malang) have none, so their workers register elsewhere.
LTSA_OPENED: Final = {
    "GIANYAR": 2015,
    "KUPANG": 2016,
    "SUMBA BARAT DAYA": 2016,
    "NUNUKAN": 2016,
    "CILACAP": 2017,
    "BREBES": 2017,
    "PATI": 2017,
    "KENDAL": 2017,
    "TULUNGAGUNG": 2017,
    "SAMBAS": 2017,
    "LOMBOK TENGAH": 2017,
    "LOMBOK BARAT": 2017,
    "LOMBOK TIMUR": 2017,
    "SUMBAWA": 2017,
    "KARAWANG": 2017,
    "SUKABUMI": 2017,
    "CIREBON": 2017,
    "INDRAMAYU": 2018,
    "SUBANG": 2018,
    "BANYUWANGI": 2018,
    "BANYUMAS": 2019,
    "GROBOGAN": 2019,
    "WONOSOBO": 2019,
    "PONOROGO": 2019,
    "MADIUN": 2019,
    "BIMA": 2019,
    "SIKKA": 2019,
    "LAMPUNG TIMUR": 2021,
    "BLITAR": 2021,
}
# The two provincial LTSAs of 2015 serve the province's regencies that have none of their own.
PROVINCIAL_LTSA: Final = {
    "35": ("LTSA PROV. JAWA TIMUR", 2015),
    "52": ("LTSA PROV. NUSA TENGGARA BARAT", 2015),
}

_TRADITION_BY_PROVINCE: Final = {
    "33": ((Tradition.JAVANESE, 1.0),),
    "35": ((Tradition.JAVANESE, 1.0),),
    "34": ((Tradition.JAVANESE, 1.0),),
    "32": ((Tradition.SUNDANESE, 0.75), (Tradition.JAVANESE, 0.25)),
    "51": ((Tradition.BALINESE, 1.0),),
    "52": ((Tradition.SASAK, 0.8), (Tradition.MUSLIM, 0.2)),
    "12": ((Tradition.BATAK, 0.6), (Tradition.MUSLIM, 0.4)),
    "73": ((Tradition.BUGIS, 1.0),),
    "18": ((Tradition.JAVANESE, 0.6), (Tradition.MUSLIM, 0.4)),
}
# The north coast of Jawa Barat speaks Javanese (Indramayu, Cirebon).
_JAVANESE_REGENCIES: Final = frozenset({"3212", "3209", "3274"})


@dataclass(frozen=True)
class Regency:
    code: str  # 4 digits, Kemendagri
    name: str
    province_code: str
    weight: float
    kecamatan_count: int
    ltsa_opened: int | None  # year the regency's own LTSA opened, None = no LTSA


@dataclass(frozen=True)
class RegionModel:
    regencies: tuple[Regency, ...]

    @property
    def codes(self) -> np.ndarray:
        return np.array([r.code for r in self.regencies])

    def probabilities(self) -> np.ndarray:
        weights = np.array([r.weight for r in self.regencies], dtype=float)
        return weights / weights.sum()

    def by_code(self) -> dict[str, Regency]:
        return {r.code: r for r in self.regencies}


def read_regions(path: Path = REGIONS_CSV) -> list[dict[str, str]]:
    """Rows of the reference table; a clear error when it is missing or has other columns."""
    if not path.exists():
        raise FileNotFoundError(f"region reference table not found: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"code", "name", "province_code"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}; found {reader.fieldnames}")
        return list(reader)


def load_region_model(path: Path = REGIONS_CSV) -> RegionModel:
    """Every regency/city of the reference table with its sending weight."""
    rows = [r for r in read_regions(path) if len(r["code"]) == 4]
    if not rows:
        raise ValueError(f"{path}: no 4-digit regency/city codes")
    kabupaten = {r["name"] for r in rows if r.get("kind", "kabupaten") == "kabupaten"}
    unknown = sorted((set(TOP_REGENCIES) | set(LTSA_OPENED)) - kabupaten)
    if unknown:
        raise ValueError(f"{path}: sending-region names not in the reference table: {unknown}")
    per_province: dict[str, int] = {}
    for row in rows:
        per_province[row["province_code"]] = per_province.get(row["province_code"], 0) + 1
    others = [p for p in per_province if p not in PROVINCE_SHARE]
    regencies = []
    for row in rows:
        province = row["province_code"]
        share = PROVINCE_SHARE.get(province, OTHER_PROVINCES_SHARE / max(len(others), 1))
        # Cities (codes 71–99) send far fewer workers than rural regencies.
        city_factor = 0.25 if int(row["code"][2:]) >= 71 else 1.0
        is_kabupaten = row.get("kind", "kabupaten") == "kabupaten"
        top = TOP_REGENCIES.get(row["name"], 1.0) if is_kabupaten else 1.0
        weight = share / per_province[province] * city_factor * top
        # Stable, code-derived kecamatan count so NIK prefixes look like a real regency's.
        kecamatan_count = 8 + int(row["code"]) % 23
        opened = LTSA_OPENED.get(row["name"]) if is_kabupaten else None
        regencies.append(Regency(row["code"], row["name"], province, weight, kecamatan_count, opened))
    return RegionModel(tuple(regencies))


def tradition_weights(regency_code: str) -> tuple[tuple[Tradition, float], ...]:
    if regency_code in _JAVANESE_REGENCIES:
        return ((Tradition.JAVANESE, 1.0),)
    return _TRADITION_BY_PROVINCE.get(regency_code[:2], ((Tradition.MUSLIM, 1.0),))


def ltsa_office(regency: Regency, year: int) -> str:
    """The LTSA serving a regency in a given year, or "" when there was none yet."""
    if regency.ltsa_opened is not None and regency.ltsa_opened <= year:
        return f"LTSA KAB. {regency.name}"
    name, opened = PROVINCIAL_LTSA.get(regency.province_code, ("", year + 1))
    return name if opened <= year else ""


def ltsa_offices(model: RegionModel) -> list[tuple[str, str, int]]:
    """Every LTSA office of the model as (name, regency or province code, year opened)."""
    offices = [(f"LTSA KAB. {r.name}", r.code, r.ltsa_opened) for r in model.regencies if r.ltsa_opened]
    offices += [(name, province, opened) for province, (name, opened) in PROVINCIAL_LTSA.items()]
    return offices
