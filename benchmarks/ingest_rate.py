"""Benchmark: ingest rate (rows/s) on synthetic silos from ``ltsa synth``.

Two measurements per size:
- ``ingest``: the whole ``run_ingest`` (read, map, quarantine, key, standardise, write Parquet).
- ``readers``: only the Satu Atap format readers over the same files.
Peer: pandas reading the same files (``read_csv(dtype=str)``, ``read_json(lines=True, dtype=False)``,
``read_excel(dtype=str)``), i.e. what a naive ingest does before any checking. ``readers/pandas`` is
the cost of exact row numbers, ragged-row quarantine and lossless IDs on top of that.

Usage: .venv/bin/python benchmarks/ingest_rate.py --people 2000 20000 [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
from rich.console import Console
from rich.table import Table

from linkage.ingest import run_ingest
from linkage.ingest.files import source_files
from linkage.ingest.readers import read_file
from linkage.manifest import Manifest, SourceSpec, load_manifest
from linkage.synth import generate

T = TypeVar("T")


def _timed(action: Callable[[], T]) -> tuple[float, float, T]:
    """Wall and CPU seconds of ``action`` (CPU too, because the benchmark machine is shared)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def read_with_readers(manifest: Manifest) -> int:
    rows = 0
    for spec in manifest.sources:
        for path in source_files(manifest, spec):
            table = read_file(path, spec)
            rows += len(table.cells) + len(table.rejections)
    return rows


def _pandas_read(path: Path, spec: SourceSpec) -> pd.DataFrame:
    if spec.format == "csv":
        if not path.stat().st_size:
            return pd.DataFrame()
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            sep=spec.delimiter,
            encoding=spec.encoding,
            header=spec.header_row - 1,
            on_bad_lines="skip",
        )
    if spec.format == "jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_excel(path, sheet_name=spec.sheet or 0, header=spec.header_row - 1, dtype=str)


def read_with_pandas(manifest: Manifest) -> int:
    return sum(
        len(_pandas_read(path, spec)) for spec in manifest.sources for path in source_files(manifest, spec)
    )


def measure(people: int, seed: int, keep: Path | None) -> list[str]:
    """One result row: generate the silos (untimed), then time ingest, the readers and the peer."""
    root = (keep / f"people_{people}") if keep else Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        generate(people, seed, root / "silos")
        manifest = load_manifest(root / "silos" / "manifest.toml")
        files = sum(len(source_files(manifest, spec)) for spec in manifest.sources)
        ingest_s, ingest_cpu, report = _timed(lambda: run_ingest(manifest.path, root / "out"))
        readers_s, _, read_rows = _timed(lambda: read_with_readers(manifest))
        pandas_s, _, _ = _timed(lambda: read_with_pandas(manifest))
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    if read_rows != report.read:
        raise SystemExit(f"readers saw {read_rows} rows but ingest read {report.read}")
    return [
        f"{people:,}",
        f"{report.read:,}",
        f"{files:,}",
        f"{ingest_s:.2f}",
        f"{ingest_cpu:.2f}",
        f"{report.read / ingest_s:,.0f}",
        f"{readers_s:.2f}",
        f"{read_rows / readers_s:,.0f}",
        f"{pandas_s:.2f}",
        f"{readers_s / pandas_s:.2f}x",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="Keep the silos and outputs under this folder.")
    args = parser.parse_args()

    table = Table(title="Ingest rate on synthetic silos (ltsa synth)")
    for heading in (
        "people",
        "rows read",
        "files",
        "ingest s",
        "ingest cpu s",
        "ingest rows/s",
        "readers s",
        "readers rows/s",
        "pandas s (peer)",
        "readers/pandas",
    ):
        table.add_column(heading, justify="right")
    for people in args.people:
        table.add_row(*measure(people, args.seed, args.keep))
    Console(width=180).print(table)


if __name__ == "__main__":
    main()
