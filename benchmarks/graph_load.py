"""Graph load rate: the bulk importer and the batched loader against a per-row baseline, same run.

The batched and per-row loaders run the same statements; only the batch size differs (``--batch-size``
vs 1), so that ratio isolates what batching buys. The baseline loads a smaller subset
(``--baseline-workers``) because it is slow; rates are per source record.

The bulk row (``graph.bulk_import``: CSV writing + ``neo4j-admin database import`` + server start +
schema online, end to end) loads the same folder as the batched loader into a fresh local store, after
the MERGE server has stopped so the two never share the cores. It needs the local launcher, so it is
skipped when ``NEO4J_URI`` points at another server (or with ``--skip-bulk``). ``--row-wise-csv`` also
times the bulk path's CSV stage the row-wise way (``graph.bulk_image`` replay + ``graph.bulk_csv``, the
reference the column-wise ``graph.bulk_frames`` is tested against) on the same folder, in the same run,
with its peak memory: minutes and many GB at national scale.

Usage:
  .venv/bin/python benchmarks/graph_load.py --workers 20000 --baseline-workers 500
  .venv/bin/python benchmarks/graph_load.py --linked out/linked --baseline-workers 500  # real output
  .venv/bin/python benchmarks/graph_load.py --linked out/linked --skip-batched --row-wise-csv
  NEO4J_URI=bolt://host:7687 .venv/bin/python benchmarks/graph_load.py --workers 400000
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing
import os
import resource
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from neo4j import Driver
from rich.console import Console
from rich.table import Table
from scratch import scratch_dir

from graph.bulk_csv import write_import_files
from graph.bulk_image import build_image
from graph.bulk_import import BulkLoadReport, bulk_load
from graph.connection import Neo4jSettings, connect
from graph.extract import Extraction
from graph.linked_input import read_linked
from graph.load import LoadReport, load_linked
from graph.local_server import LocalNeo4j
from graph.sample_linked import synthetic_population, write_linked


@contextlib.contextmanager
def benchmark_driver(page_cache_mib: int, heap: str) -> Iterator[tuple[Driver, str]]:
    """Yield (driver, description of the server)."""
    if os.environ.get("NEO4J_URI"):
        settings = Neo4jSettings.from_env()
        driver = connect(settings)
        try:
            yield driver, settings.uri
        finally:
            driver.close()
        return
    server = LocalNeo4j(data_dir=scratch_dir("satu-atap-bench-"), page_cache_mib=page_cache_mib, heap=heap)
    server.start()
    driver = connect(Neo4jSettings.from_env(uri=server.uri))
    try:
        yield driver, f"local Neo4j, page cache {page_cache_mib} MiB, heap {heap}"
    finally:
        driver.close()
        server.stop()


def empty_graph(driver: Driver) -> None:
    with driver.session() as session:  # CALL … IN TRANSACTIONS needs an auto-commit transaction
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def _synthetic(folder: Path, workers: int) -> Path:
    rows, worker_ids = synthetic_population(workers)
    return write_linked(folder, rows, worker_ids)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _row_wise_csv(linked_dir: Path, folder: Path) -> tuple[float, float]:
    """Seconds and peak MiB of the row-wise CSV stage; run in a child process so its memory peak is
    its own and is returned to the system before the rest of the benchmark."""
    started = time.perf_counter()
    linked = read_linked(linked_dir)
    image, _steps = build_image(Extraction(linked), linked.run_id)
    write_import_files(image, {"runId": linked.run_id, "startedAt": dt.datetime.now(dt.UTC)}, folder)
    return time.perf_counter() - started, _peak_mib()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=5000, help="synthetic workers (~2.6 records each)")
    parser.add_argument("--linked", type=Path, help="a real linked folder instead of synthetic data")
    parser.add_argument(
        "--baseline-workers", type=int, default=300, help="synthetic workers for the baseline"
    )
    parser.add_argument("--batch-size", type=int, default=10000)
    parser.add_argument("--page-cache-mib", type=int, default=1024)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--importer-memory", default="2g", help="the importer's --max-off-heap-memory")
    parser.add_argument("--skip-bulk", action="store_true", help="leave out the neo4j-admin import row")
    parser.add_argument(
        "--row-wise-csv",
        action="store_true",
        help="also time the row-wise CSV stage (bulk_image + bulk_csv) on the same folder, as a peer",
    )
    parser.add_argument(
        "--skip-batched",
        action="store_true",
        help="leave out the batched MERGE row (hours at a million people on a small machine)",
    )
    args = parser.parse_args()

    work = scratch_dir("satu-atap-bench-linked-")
    batched_dir = args.linked or _synthetic(work / "batched", args.workers)
    baseline_dir = _synthetic(work / "baseline", args.baseline_workers)
    with benchmark_driver(args.page_cache_mib, args.heap) as (driver, server):
        # Warm-up: plan every statement once so neither mode pays for query planning.
        load_linked(driver, _synthetic(work / "warmup", 300))
        empty_graph(driver)
        batched = None
        if not args.skip_batched:
            batched = load_linked(driver, batched_dir, batch_size=args.batch_size)
            empty_graph(driver)
        baseline = load_linked(driver, baseline_dir, batch_size=1)
        empty_graph(driver)
    bulk: BulkLoadReport | None = None
    row_wise: tuple[float, float] | None = None
    if args.row_wise_csv:
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            row_wise = pool.apply(_row_wise_csv, (batched_dir, work / "row-wise-csv"))
        shutil.rmtree(work / "row-wise-csv")
    if not (args.skip_bulk or os.environ.get("NEO4J_URI")):
        bulk, _ = bulk_load(
            batched_dir,
            work / "bulk-store",
            heap=args.heap,
            importer_memory=args.importer_memory,
            page_cache_mib=args.page_cache_mib,
        )
        shutil.rmtree(work / "bulk-store")  # gigabytes at national scale; only its figures matter

    table = Table(title=f"Graph load ({server})")
    for column in ("mode", "source records", "persons", "seconds", "records/s", "vs per-row"):
        table.add_column(column, justify="right" if column != "mode" else "left")

    def row(name: str, report: LoadReport | BulkLoadReport) -> None:
        ratio = report.records_per_second / baseline.records_per_second
        table.add_row(
            name,
            f"{report.source_records:,}",
            f"{report.persons:,}",
            f"{report.seconds:.1f}",
            f"{report.records_per_second:,.0f}",
            f"{ratio:.1f}×",
        )

    if bulk:
        row("bulk neo4j-admin import", bulk)
    if batched:
        row(f"batched UNWIND ({args.batch_size}/tx)", batched)
    row("per-row MERGE (1/tx)", baseline)
    Console().print(table)
    if bulk:
        versus = ""
        if batched:
            versus = f"; {bulk.records_per_second / batched.records_per_second:.1f}× the batched loader"
        Console().print(
            f"bulk: CSV {bulk.csv_seconds:.1f} s, import {bulk.import_seconds:.1f} s, "
            f"start {bulk.start_seconds:.1f} s, schema online {bulk.schema_seconds:.1f} s{versus}; "
            f"peak RSS of this process {_peak_mib():,.0f} MiB"
        )
    if row_wise:
        seconds, peak = row_wise
        ratio = f" ({seconds / bulk.csv_seconds:.1f}× the column-wise CSV stage)" if bulk else ""
        Console().print(f"row-wise CSV stage (peer): {seconds:.1f} s, peak RSS {peak:,.0f} MiB{ratio}")
    Console().print("targets: ≥ 20,000 source records/s and ≥ 50× the per-row baseline")


if __name__ == "__main__":
    main()
