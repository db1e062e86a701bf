"""JVM start with and without the class-data-sharing archives (``graph/jvm_archive.py``).

Server: ``LocalNeo4j.start()`` on an empty data folder, until Bolt is ready. Importer: a tiny import
(two nodes, one relationship), the whole ``neo4j-admin database import full`` run. The runs alternate
(without, with, without, …) so a change in machine load hits both sides alike. The archives are trained
first if missing (not timed).

Usage:
  .venv/bin/python benchmarks/jvm_archive.py --rounds 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from graph.bulk_import import importer_archive, importer_command, run_importer, tiny_import_files
from graph.local_server import LocalNeo4j, launcher_archive


def server_start(archive: Path | None) -> float:
    with tempfile.TemporaryDirectory(prefix="cds-bench-") as data:
        server = LocalNeo4j(data_dir=Path(data), class_archive=archive)
        server.command(0)  # builds nothing now, but keeps any check out of the timed part
        started = time.perf_counter()
        server.start()
        seconds = time.perf_counter() - started
        server.stop()
    return seconds


def tiny_import(archive: Path | None) -> float:
    with tempfile.TemporaryDirectory(prefix="cds-bench-") as tmp:
        files = tiny_import_files(Path(tmp))
        command = importer_command(files, overwrite=False, heap="1g", memory="1g", class_archive=archive)
        started = time.perf_counter()
        run_importer(files, files.folder / "home", command)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="Runs per side and JVM (default 3).")
    args = parser.parse_args()
    cases: list[tuple[str, Callable[[Path | None], float], Path | None]] = [
        ("server start until Bolt ready", server_start, launcher_archive()),
        ("tiny import", tiny_import, importer_archive()),
    ]
    table = Table(title=f"JVM start, {args.rounds} alternating runs per side (seconds)")
    for column in ("JVM", "without archive", "with archive", "median saved"):
        table.add_column(column)
    for name, run, archive in cases:
        if archive is None:
            raise SystemExit(f"no archive for {name}: see the warning above")
        without: list[float] = []
        with_archive: list[float] = []
        for _ in range(args.rounds):
            without.append(run(None))
            with_archive.append(run(archive))
        saved = statistics.median(without) - statistics.median(with_archive)
        table.add_row(
            name,
            " / ".join(f"{s:.2f}" for s in without),
            " / ".join(f"{s:.2f}" for s in with_archive),
            f"{saved:.2f}",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
