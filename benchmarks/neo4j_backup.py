"""Offline backup and restore of a stopped local Neo4j store against plain ``tar`` on the same folder.

``ltsa neo4j backup`` hashes every file (SHA-256), writes a manifest and a gzip archive; restore
verifies every checksum while extracting and swaps the store in. The peer is what an operator would do
without it: ``tar -czf`` of ``data/`` and ``tar -xzf`` back (no checks). The ratio is what the checks
cost. Counting (one server start) is left out (``--no-counts``): it does not grow with the store.

Usage (the store must be stopped; e.g. the one ``ltsa demo --no-serve --people 5000`` leaves):
  .venv/bin/python benchmarks/neo4j_backup.py --data-dir var/demo-neo4j
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ltsa.backup import create_backup, restore_backup


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="A stopped local Neo4j data folder.")
    args = parser.parse_args()
    data_dir: Path = args.data_dir.resolve()
    size_mb = sum(p.stat().st_size for p in (data_dir / "data").rglob("*") if p.is_file()) / 1e6
    with tempfile.TemporaryDirectory(prefix="backup-bench-") as scratch:
        work = Path(scratch)
        ours_archive, tar_archive = work / "ours.tar.gz", work / "plain.tar.gz"
        backup_s = timed(lambda: create_backup(data_dir, ours_archive, counts=False))
        tar_s = timed(
            lambda: subprocess.run(["tar", "-czf", str(tar_archive), "-C", str(data_dir), "data"], check=True)
        )
        restore_s = timed(lambda: restore_backup(ours_archive, work / "restored"))
        (work / "untarred").mkdir()
        untar_s = timed(
            lambda: subprocess.run(
                ["tar", "-xzf", str(tar_archive), "-C", str(work / "untarred")], check=True
            )
        )
        sizes = (ours_archive.stat().st_size / 1e6, tar_archive.stat().st_size / 1e6)
    table = Table(title=f"Offline backup of {data_dir} ({size_mb:.0f} MB of store files)")
    for column in ("step", "ltsa neo4j", "plain tar", "ratio ours ÷ tar"):
        table.add_column(column)
    table.add_row("backup (s)", f"{backup_s:.2f}", f"{tar_s:.2f}", f"{backup_s / tar_s:.2f}")
    table.add_row("restore (s)", f"{restore_s:.2f}", f"{untar_s:.2f}", f"{restore_s / untar_s:.2f}")
    table.add_row("archive (MB)", f"{sizes[0]:.1f}", f"{sizes[1]:.1f}", f"{sizes[0] / sizes[1]:.2f}")
    Console().print(table)


if __name__ == "__main__":
    main()
