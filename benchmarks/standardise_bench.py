"""Benchmark: ``standardise_frame`` rows/s on synthetic raw rows with realistic repetition.

Each synthetic person appears in 1–4 records (as across silos), so NIKs and phones repeat a little while
names, dates, regions and countries repeat a lot; values are written in the messy forms silos use.
Peer: the same standardisers called row by row without distinct-value caching (what ``df.apply`` over
the module functions would do). ``frame/per-row`` shows what factorising buys.

Usage: .venv/bin/python benchmarks/standardise_bench.py --rows 20000 100000 [--peer-rows 20000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from linkage.standardise import phones, standardise_frame
from linkage.standardise.countries import resolve_country
from linkage.standardise.dates import parse_date
from linkage.standardise.names import parse_name
from linkage.standardise.nik import parse_nik
from linkage.standardise.phones import parse_phone
from linkage.standardise.regions import resolve_region

GIVEN = [
    "SITI",
    "Sri",
    "Dewi",
    "Nur",
    "Ahmad",
    "M.",
    "Moch.",
    "Budi",
    "Eko",
    "Agus",
    "Wati",
    "Ni Made",
    "I Wayan",
]
OTHER = ["Aminah", "Lestari", "Rahayu", "Santoso", "Hidayat", "Wahyuni", "Sudarta", "Purnama", "Kurniawati"]
TITLES = ["", "", "", "H. ", "Hj. "]
REGIONS = [
    "Kab. Indramayu",
    "INDRAMAYU",
    "Lamteng",
    "Kab. Cirebon",
    "Lotim",
    "Kab. Ponorogo",
    "32.12",
    "Blitar",
]
COUNTRIES = ["Hongkong", "Taiwan", "Malaysia", "Arab Saudi", "HK", "TWN", "Singapura"]


def synthetic_raw(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    people = max(rows // 2, 1)
    person = rng.integers(0, people, rows)
    day, month, year = (
        rng.integers(1, 29, people),
        rng.integers(1, 13, people),
        rng.integers(1965, 2006, people),
    )
    female = rng.random(people) < 0.7
    nik = [
        f"3212{p % 30 + 1:02d}{d + 40 * f:02d}{m:02d}{y % 100:02d}{p % 9999 + 1:04d}"
        for p, d, m, y, f in zip(range(people), day, month, year, female, strict=True)
    ]
    name = [f"{TITLES[p % 5]}{GIVEN[p % len(GIVEN)]} {OTHER[(p // 7) % len(OTHER)]}" for p in range(people)]
    birth = [
        f"{d:02d}-{m:02d}-{y}" if p % 3 else f"{d} {m}/{y}"
        for p, d, m, y in zip(range(people), day, month, year, strict=True)
    ]
    phone = [f"0812{rng.integers(10_000_000, 99_999_999)}" for _ in range(people)]
    pick = np.asarray
    return pd.DataFrame(
        {
            "nik": pick(nik, dtype=object)[person],
            "full_name": pick(name, dtype=object)[person],
            "birth_date": pick(birth, dtype=object)[person],
            "sex": np.where(female[person], "P", "L"),
            "phone": pick(phone, dtype=object)[person],
            "region_code": rng.choice(REGIONS, rows),
            "destination_country": rng.choice(COUNTRIES, rows),
        }
    )


def per_row(raw: pd.DataFrame) -> None:
    for row in raw.itertuples(index=False):
        parse_nik(row.nik)
        parse_name(row.full_name)
        parse_date(row.birth_date, past_only=True)
        parse_phone(row.phone)
        resolve_region(row.region_code)
        resolve_country(row.destination_country)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--peer-rows", type=int, default=20_000, help="largest size the slow peer runs at")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    table = Table(title="standardise_frame vs per-row standardisers")
    for column in ("rows", "frame s", "frame rows/s", "per-row s", "per-row rows/s", "frame/per-row speed"):
        table.add_column(column, justify="right")
    standardise_frame(synthetic_raw(100, np.random.default_rng(0)))  # load reference tables once
    for rows in args.rows:
        raw = synthetic_raw(rows, np.random.default_rng(args.seed))
        phones._read.cache_clear()  # both sides start cold: the phone cache outlives a call
        start = time.perf_counter()
        standardise_frame(raw)
        frame_s = time.perf_counter() - start
        cells = [f"{rows:,}", f"{frame_s:.2f}", f"{rows / frame_s:,.0f}"]
        if rows <= args.peer_rows:
            phones._read.cache_clear()
            start = time.perf_counter()
            per_row(raw)
            peer_s = time.perf_counter() - start
            cells += [f"{peer_s:.2f}", f"{rows / peer_s:,.0f}", f"{peer_s / frame_s:.1f}×"]
        else:
            cells += ["—", "—", "—"]
        table.add_row(*cells)
    Console().print(table)


if __name__ == "__main__":
    main()
