"""The recruitment market: placement agencies (P3MI), village brokers (calo/sponsor), employers abroad.

Brokers are the hidden glue real data shows: one sponsor recruits dozens of workers in a regency and
writes the same phone number on all of their forms, often with no agency behind them.
"""

from __future__ import annotations

import random
from typing import Final

import numpy as np
import pandas as pd

from . import identity
from .names import given_name
from .regions import tradition_weights

_AGENCY_WORDS: Final = (
    "BINA",
    "KARYA",
    "MANDIRI",
    "SUMBER",
    "REJEKI",
    "INTAN",
    "JAYA",
    "ABADI",
    "PUTRA",
    "BERKAH",
    "SEJAHTERA",
    "TENAGA",
    "INDO",
    "GLOBAL",
    "NUSANTARA",
    "MITRA",
    "CITRA",
    "MAJU",
    "SARANA",
    "DUTA",
    "GRAHA",
    "ANUGERAH",
    "CAHAYA",
    "AMANAH",
    "PRIMA",
    "UTAMA",
    "SENTOSA",
    "BANGUN",
    "INSAN",
    "MULIA",
)
_AGENCY_CITIES: Final = (
    ("JAKARTA TIMUR", 0.18),
    ("JAKARTA SELATAN", 0.08),
    ("JAKARTA BARAT", 0.04),
    ("SURABAYA", 0.12),
    ("MALANG", 0.1),
    ("SEMARANG", 0.06),
    ("BEKASI", 0.08),
    ("TANGERANG", 0.06),
    ("CIREBON", 0.05),
    ("INDRAMAYU", 0.05),
    ("MATARAM", 0.06),
    ("BANDAR LAMPUNG", 0.05),
    ("MEDAN", 0.04),
    ("DENPASAR", 0.03),
)
_CHINESE_SURNAMES: Final = ("CHAN", "WONG", "LEE", "CHEUNG", "LAU", "CHEN", "LIN", "HUANG", "CHANG", "WANG")
_CHINESE_GIVEN: Final = ("TAI MAN", "SIU MING", "KA WAI", "MEI LING", "CHUN HO", "YU TING", "SHU FEN", "WEI")
_ARAB_NAMES: Final = ("ABDULLAH AL", "MOHAMMED AL", "SAAD AL", "KHALID AL", "FAHAD AL", "NASSER AL")
_ARAB_FAMILIES: Final = ("OTAIBI", "QAHTANI", "HARBI", "GHAMDI", "SHAMMARI", "MUTAIRI", "DOSARI", "ZAHRANI")
_COMPANY_WORDS: Final = (
    "GOLDEN",
    "GREEN",
    "EASTERN",
    "PACIFIC",
    "UNITED",
    "SUNRISE",
    "OCEAN",
    "STAR",
    "ROYAL",
)
_COMPANY_KINDS: Final = {
    "MY": ("SDN BHD",),
    "BN": ("SDN BHD",),
    "SG": ("PTE LTD",),
    "TW": ("CO., LTD.",),
    "KR": ("CO., LTD.",),
    "JP": ("CO., LTD.", "KABUSHIKI KAISHA"),
    "HK": ("LIMITED",),
}
_COMPANY_TRADES: Final = (
    "PLANTATION",
    "ELECTRONICS",
    "CONSTRUCTION",
    "TEXTILE",
    "FOODS",
    "METAL",
    "PLASTICS",
)


def make_agencies(rng: np.random.Generator, count: int) -> pd.DataFrame:
    """Licensed P3MI with a licence number, home city and a Zipf-like share of placements."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        a, b = rng.choice(len(_AGENCY_WORDS), size=2, replace=False)
        name = f"PT {_AGENCY_WORDS[a]} {_AGENCY_WORDS[b]}"
        if name in seen:
            name = f"{name} {_AGENCY_WORDS[int(rng.integers(len(_AGENCY_WORDS)))]}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    cities, weights = zip(*_AGENCY_CITIES, strict=True)
    years = rng.integers(2018, 2025, count)
    numbers = rng.choice(9000, size=count, replace=False) + 100
    return pd.DataFrame(
        {
            "agency_id": [f"A{i:04d}" for i in range(1, count + 1)],
            "name": names,
            "licence": [f"{n}/SIP3MI/{y}" for n, y in zip(numbers.tolist(), years.tolist(), strict=True)],
            "city": rng.choice(np.array(cities), size=count, p=np.array(weights) / sum(weights)),
            "weight": 1.0 / np.arange(1, count + 1) ** 0.8,
        }
    )


def make_brokers(
    rng: np.random.Generator, rnd: random.Random, workers_per_regency: pd.Series, agencies: pd.DataFrame
) -> pd.DataFrame:
    """Village sponsors: about one per 15 workers of a regency, 65% tied to one agency."""
    regencies = np.repeat(
        workers_per_regency.index.to_numpy(),
        np.maximum(1, np.ceil(workers_per_regency.to_numpy() / 15)).astype(int),
    ).astype(str)
    count = len(regencies)
    names = []
    for code in regencies.tolist():
        options = tradition_weights(code)
        tradition = rnd.choices([t for t, _ in options], [w for _, w in options])[0]
        female = rnd.random() < 0.15
        name = given_name(rnd, tradition, female, rnd.randrange(4), False)
        # Returned workers who became sponsors often carry the hajj title.
        if rnd.random() < 0.3:
            name = ("HJ. " if female else "H. ") + name
        names.append(name)
    tied = rng.random(count) < 0.65
    agency = rng.choice(agencies["agency_id"].to_numpy(), size=count, p=_share(agencies["weight"]))
    return pd.DataFrame(
        {
            "broker_id": [f"B{i:05d}" for i in range(1, count + 1)],
            "name": names,
            "phone": identity.indonesian_mobiles(rng, count),
            "regency_code": regencies,
            "agency_id": np.where(tied, agency, ""),
        }
    )


def _share(weights: pd.Series) -> np.ndarray:
    values = weights.to_numpy(dtype=float)
    return values / values.sum()


def _household_name(rnd: random.Random, country: str) -> str:
    if country in ("SA", "AE", "QA", "OM"):
        return f"{rnd.choice(_ARAB_NAMES)}-{rnd.choice(_ARAB_FAMILIES)}"
    if country == "MY":
        return f"{rnd.choice(('MOHD', 'AHMAD', 'TAN', 'LIM'))} {rnd.choice(_CHINESE_GIVEN)}"
    return f"{rnd.choice(_CHINESE_SURNAMES)} {rnd.choice(_CHINESE_GIVEN)}"


def employer_name(rnd: random.Random, country: str, kind: str, serial: int) -> str:
    if kind == "household":
        return _household_name(rnd, country)
    if kind == "vessel":
        vessel = f"{rnd.choice(_COMPANY_WORDS)} {rnd.choice(('FORTUNE', 'HARVEST', 'WIND'))}"
        return f"FV {vessel} NO. {serial % 99 + 1}"
    suffix = rnd.choice(_COMPANY_KINDS.get(country, ("LLC",)))
    return f"{rnd.choice(_COMPANY_WORDS)} {rnd.choice(_COMPANY_TRADES)} {suffix}"


def make_employers(rnd: random.Random, demand: pd.DataFrame) -> pd.DataFrame:
    """Employers per (country, kind), sized so households hire one or two workers and firms dozens."""
    per_employer = {"household": 1.3, "vessel": 12.0, "company": 25.0}
    rows = []
    sizes = demand.groupby(["country", "kind"]).size()
    for (country, kind), workers in zip(sizes.index.tolist(), sizes.tolist(), strict=True):
        for serial in range(max(1, int(np.ceil(workers / per_employer[kind])))):
            rows.append((country, kind, employer_name(rnd, country, kind, serial)))
    employers = pd.DataFrame(rows, columns=["country", "kind", "name"])
    employers.insert(0, "employer_id", [f"E{i:06d}" for i in range(1, len(employers) + 1)])
    return employers
