"""Who leaves, where to, through whom: workers, placements, passports and insurance membership.

Each worker has a latest placement in one phase (pra, masa, purna) and some have an earlier, finished
one. Procedural placements pass through an agency and the official systems; non-procedural ones are
arranged by a broker alone and leave traces only in passports (if any) and complaints.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from . import identity
from .market import make_agencies, make_brokers, make_employers
from .population import REFERENCE_DATE, Population, ages

FEMALE_PREFERENCE: Final = 0.25  # tuned so about 61% of workers are women (2023 national share)
SECOND_WORKER_SHARE: Final = 0.08
REPEAT_SHARE: Final = 0.15  # workers with an earlier, finished placement
PHASES: Final = (("pra", 0.2), ("masa", 0.5), ("purna", 0.3))
PROCEDURAL_SHARE: Final = 0.78
DESTINATIONS: Final = {  # country → (weight for women, weight for men), after the 2023–2024 statistics
    "HK": (95, 4),
    "TW": (50, 34),
    "MY": (25, 26),
    "SG": (10, 0.8),
    "SA": (6, 0.3),
    "JP": (5, 7.6),
    "KR": (1, 11.5),
    "IT": (1, 2.5),
    "BN": (1.5, 1.4),
    "TR": (2, 0.3),
    "AE": (2, 0.5),
    "QA": (1, 0.5),
    "OM": (1, 0.2),
}
# Irregular departures go mostly to Malaysia and the Middle East.
NON_PROCEDURAL_DESTINATIONS: Final = {
    "MY": 60,
    "SA": 15,
    "AE": 5,
    "QA": 3,
    "OM": 3,
    "HK": 4,
    "TW": 5,
    "BN": 5,
}
JOBS: Final = {  # (country, female) → job titles as Sisko writes them, with weights
    ("HK", True): {"HOUSE MAID": 0.7, "CAREGIVER": 0.3},
    ("TW", True): {"CAREGIVER": 0.6, "HOUSE MAID": 0.2, "OPERATOR": 0.2},
    ("MY", True): {"HOUSE MAID": 0.4, "PLANTATION WORKER": 0.3, "OPERATOR": 0.3},
    ("SG", True): {"DOMESTIC WORKER": 0.8, "CAREGIVER": 0.2},
    ("JP", True): {"CAREGIVER": 0.5, "OPERATOR": 0.5},
    ("KR", True): {"OPERATOR": 1.0},
    ("IT", True): {"CAREGIVER": 1.0},
    ("TW", False): {"FISHING CREW": 0.35, "OPERATOR": 0.45, "CONSTRUCTION WORKER": 0.2},
    ("MY", False): {"PLANTATION WORKER": 0.6, "CONSTRUCTION WORKER": 0.3, "WORKER": 0.1},
    ("KR", False): {"OPERATOR": 0.6, "FISHING CREW": 0.4},
    ("JP", False): {"OPERATOR": 0.5, "CONSTRUCTION WORKER": 0.3, "FISHING CREW": 0.2},
    ("HK", False): {"DRIVER": 0.5, "WORKER": 0.5},
    ("SG", False): {"CONSTRUCTION WORKER": 1.0},
    ("BN", False): {"CONSTRUCTION WORKER": 0.5, "PLANTATION WORKER": 0.5},
    ("IT", False): {"FISHING CREW": 1.0},
}
HOUSEHOLD_JOBS: Final = frozenset({"HOUSE MAID", "DOMESTIC WORKER", "CAREGIVER", "DRIVER"})


@dataclass(frozen=True)
class Market:
    workers: pd.DataFrame  # person rows of workers
    placements: pd.DataFrame
    agencies: pd.DataFrame
    brokers: pd.DataFrame
    employers: pd.DataFrame
    passports: pd.DataFrame


def choose_workers(rng: np.random.Generator, population: Population) -> pd.DataFrame:
    """One working-age member per family, two in some; women preferred to match the national share."""
    people = population.people
    age = ages(people["birth_date"])
    eligible = (age >= 18) & (age <= 48) & (people["family_role"].to_numpy() != "ORANG TUA")
    score = rng.random(len(people)) + FEMALE_PREFERENCE * people["female"].to_numpy()
    score = np.where(eligible, score, -1.0)
    ranked = pd.DataFrame({"family_id": people["family_id"], "score": score}).sort_values(
        ["family_id", "score"], ascending=[True, False], kind="stable"
    )
    rank = ranked.groupby("family_id").cumcount().to_numpy()
    second = rng.random(len(ranked)) < SECOND_WORKER_SHARE
    chosen = ranked.index.to_numpy()[
        (ranked["score"].to_numpy() >= 0) & ((rank == 0) | ((rank == 1) & second))
    ]
    return people.loc[np.sort(chosen)].reset_index(drop=True)


def _pick(rng: np.random.Generator, options: dict[str, float], size: int) -> np.ndarray:
    keys = np.array(list(options))
    weights = np.array(list(options.values()), dtype=float)
    return rng.choice(keys, size=size, p=weights / weights.sum())


def _destinations(rng: np.random.Generator, female: np.ndarray, procedural: np.ndarray) -> np.ndarray:
    out = np.empty(len(female), dtype="<U2")
    for is_female in (True, False):
        mask = (female == is_female) & procedural
        weights = {c: w[0] if is_female else w[1] for c, w in DESTINATIONS.items()}
        out[mask] = _pick(rng, weights, int(mask.sum()))
    irregular = ~procedural
    out[irregular] = _pick(
        rng, {k: float(v) for k, v in NON_PROCEDURAL_DESTINATIONS.items()}, int(irregular.sum())
    )
    return out


def _jobs(rng: np.random.Generator, country: np.ndarray, female: np.ndarray) -> np.ndarray:
    out = np.full(len(country), "HOUSE MAID", dtype=object)
    for c in np.unique(country):
        for is_female in (True, False):
            mask = (country == c) & (female == is_female)
            default = {"HOUSE MAID": 1.0} if is_female else {"DRIVER": 0.5, "CONSTRUCTION WORKER": 0.5}
            out[mask] = _pick(rng, JOBS.get((str(c), is_female), default), int(mask.sum()))
    return out.astype(str)


def _days(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    return rng.integers(low, high, size).astype("timedelta64[D]")


def _placements(rng: np.random.Generator, workers: pd.DataFrame) -> pd.DataFrame:
    n = len(workers)
    repeat = rng.random(n) < REPEAT_SHARE
    latest_phase = _pick(rng, dict(PHASES), n)
    worker_rows = np.r_[np.arange(n), np.flatnonzero(repeat)]
    phase = np.r_[latest_phase, np.full(int(repeat.sum()), "purna")]
    is_latest = np.r_[np.ones(n, bool), np.zeros(int(repeat.sum()), bool)]
    m = len(worker_rows)
    procedural = (rng.random(m) < PROCEDURAL_SHARE) | (phase == "pra")
    female = workers["female"].to_numpy()[worker_rows]
    country = _destinations(rng, female, procedural)
    departure = np.full(m, np.datetime64("NaT"), dtype="datetime64[D]")
    ret = departure.copy()
    masa, purna = phase == "masa", (phase == "purna") & is_latest
    departure[masa] = np.datetime64("2022-07-01") + _days(rng, 0, 1090, int(masa.sum()))
    departure[purna] = np.datetime64("2019-01-01") + _days(rng, 0, 1640, int(purna.sum()))
    ret[purna] = departure[purna] + _days(rng, 180, 1100, int(purna.sum()))
    ret[purna] = np.minimum(ret[purna], REFERENCE_DATE - np.timedelta64(7, "D"))
    earlier = ~is_latest
    # An earlier contract ended one to four years before the latest trip started (or was planned).
    latest_start = np.where(np.isnat(departure[:n]), REFERENCE_DATE - np.timedelta64(90, "D"), departure[:n])[
        worker_rows[earlier]
    ]
    ret[earlier] = latest_start - _days(rng, 365, 1460, int(earlier.sum()))
    departure[earlier] = ret[earlier] - _days(rng, 600, 1100, int(earlier.sum()))
    registered = np.where(
        np.isnat(departure), REFERENCE_DATE - _days(rng, 0, 180, m), departure - _days(rng, 30, 150, m)
    )
    placements = pd.DataFrame(
        {
            "placement_id": np.array([f"T{i:07d}" for i in range(1, m + 1)], dtype=object),
            "person_id": workers["person_id"].to_numpy()[worker_rows],
            "worker_row": worker_rows,
            "latest": is_latest,
            "phase": phase,
            "procedural": procedural,
            "country": country,
            "job": _jobs(rng, country, female),
            "registered": registered.astype("datetime64[D]"),
            "departure": departure,
            "return": ret,
        }
    )
    return placements.sort_values(["worker_row", "registered"], kind="stable").reset_index(drop=True)


def _assign_parties(
    rng: np.random.Generator, rnd: random.Random, workers: pd.DataFrame, placements: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    count = int(np.clip(len(workers) // 700, 8, 424))
    agencies = make_agencies(rng, count)
    regency = workers["regency_code"].to_numpy()[placements["worker_row"].to_numpy()]
    brokers = make_brokers(rng, rnd, pd.Series(regency).value_counts().sort_index(), agencies)
    # A worker's broker is one of the sponsors of the home regency; the same sponsor serves a worker's
    # repeat trips too, which is how sponsors build their networks.
    by_regency = brokers.groupby("regency_code").indices
    worker_broker = np.empty(len(workers), dtype=object)
    for code, rows in (
        pd.Series(np.arange(len(workers))).groupby(workers["regency_code"].to_numpy()).indices.items()
    ):
        pool = brokers["broker_id"].to_numpy()[by_regency[code]] if code in by_regency else np.array([""])
        worker_broker[rows] = rng.choice(pool, size=len(rows))
    procedural = placements["procedural"].to_numpy()
    has_broker = rng.random(len(placements)) < np.where(procedural, 0.8, 0.95)
    broker = np.where(has_broker, worker_broker[placements["worker_row"].to_numpy()], "")
    broker_agency = brokers.set_index("broker_id")["agency_id"].reindex(broker).fillna("").to_numpy()
    random_agency = rng.choice(agencies["agency_id"].to_numpy(), size=len(placements), p=_weights(agencies))
    agency = np.where(broker_agency != "", broker_agency, random_agency)
    placements["broker_id"] = broker
    placements["agency_id"] = np.where(procedural, agency, "")
    kind = np.where(
        placements["job"].isin(HOUSEHOLD_JOBS),
        "household",
        np.where(placements["job"] == "FISHING CREW", "vessel", "company"),
    )
    placements["employer_kind"] = kind
    employers = make_employers(rnd, pd.DataFrame({"country": placements["country"], "kind": kind}))
    pools = employers.groupby(["country", "kind"]).indices
    employer = np.empty(len(placements), dtype=object)
    for key, rows in placements.groupby(["country", "employer_kind"]).indices.items():
        employer[rows] = rng.choice(employers["employer_id"].to_numpy()[pools[key]], size=len(rows))
    placements["employer_id"] = np.where(
        placements["phase"] == "pra", np.where(rng.random(len(placements)) < 0.6, employer, ""), employer
    )
    return agencies, brokers, employers


def _weights(agencies: pd.DataFrame) -> np.ndarray:
    values = agencies["weight"].to_numpy(dtype=float)
    return values / values.sum()


def _passports(rng: np.random.Generator, placements: pd.DataFrame) -> pd.DataFrame:
    """One passport per trip that had one; a repeat trip reuses the old passport 40% of the time."""
    has = np.where(placements["procedural"], placements["phase"] != "pra", rng.random(len(placements)) < 0.75)
    has |= (placements["phase"] == "pra").to_numpy() & (rng.random(len(placements)) < 0.6)
    start = placements["departure"].to_numpy()
    start = np.where(np.isnat(start), REFERENCE_DATE, start)
    issued = start - _days(rng, 30, 200, len(placements))
    previous_same_worker = np.r_[
        False, placements["worker_row"].to_numpy()[1:] == placements["worker_row"].to_numpy()[:-1]
    ]
    reuse = previous_same_worker & (rng.random(len(placements)) < 0.4) & np.r_[False, has[:-1]] & has
    numbers = identity.passport_numbers(rng, len(placements)).astype(object)
    for row in np.flatnonzero(reuse):  # few rows; carried forward in order
        numbers[row] = numbers[row - 1]
        issued[row] = issued[row - 1]
    placements["passport_number"] = np.where(has, numbers, "")
    ten_years = issued >= np.datetime64("2022-10-12")
    expiry = issued + np.where(ten_years, 3652, 1826).astype("timedelta64[D]")
    passports = pd.DataFrame(
        {
            "passport_number": numbers,
            "person_id": placements["person_id"],
            "issued": issued,
            "expiry": expiry,
            "placement_id": placements["placement_id"],
        }
    )[has & ~reuse]
    return passports.reset_index(drop=True)


def build_market(rng: np.random.Generator, rnd: random.Random, population: Population) -> Market:
    workers = choose_workers(rng, population)
    placements = _placements(rng, workers)
    agencies, brokers, employers = _assign_parties(rng, rnd, workers, placements)
    passports = _passports(rng, placements)
    kpj = rng.choice(9 * 10**10, size=len(placements), replace=False) + 10**10
    placements["bpjs_number"] = kpj.astype(str)
    foreign = identity.foreign_mobiles(rng, placements["country"].to_numpy())
    placements["foreign_phone"] = np.where(placements["phase"] == "pra", "", foreign)
    return Market(workers, placements, agencies, brokers, employers, passports)
