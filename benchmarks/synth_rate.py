"""Benchmark: synthetic-silo generation rate (people/s) of ``ltsa synth``.

Ours: ``linkage.synth.generate`` — families, market, placements, seven silos in their own formats
(CSV, Latin-1 CSV, ';' CSV, JSON Lines, Excel), corruption, manifest and truth Parquet.
Peer: a plain Faker ``id_ID`` loop writing one CSV of person records (name, address, phone, birth
date) — what a naive generator does. The peer writes one file with no families, NIKs, silos or
errors, so ``ratio`` (ours/peer people per second) says what the realism costs, not who is "faster".

Usage: .venv/bin/python benchmarks/synth_rate.py --people 10000 50000 [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from faker import Faker

from linkage.synth import generate


def _ours(people: int, seed: int, out: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = generate(people, seed, out)
    return time.perf_counter() - start, sum(result.rows_by_source.values())


def _peer(people: int, seed: int, out: Path) -> float:
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    start = time.perf_counter()
    with (out / "peer.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("NAMA", "ALAMAT", "NO_HP", "TGL_LAHIR"))
        for _ in range(people):
            writer.writerow(
                (fake.name(), fake.address(), fake.phone_number(), fake.date_of_birth().isoformat())
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"{'people':>9} {'ours s':>8} {'people/s':>10} {'silo rows':>10} {'rows/s':>9} {'peer s':>8} "
        f"{'peer p/s':>9} {'ratio':>6}"
    )
    for people in args.people:
        with tempfile.TemporaryDirectory(prefix="synth-bench-") as folder:
            seconds, rows = _ours(people, args.seed, Path(folder) / "ours")
            peer = _peer(people, args.seed, Path(folder))
        ours_rate, peer_rate = people / seconds, people / peer
        print(
            f"{people:>9,} {seconds:>8.1f} {ours_rate:>10,.0f} {rows:>10,} {rows / seconds:>9,.0f} "
            f"{peer:>8.1f} {peer_rate:>9,.0f} {ours_rate / peer_rate:>6.2f}"
        )


if __name__ == "__main__":
    main()
