"""Graph load rate: the batched loader against a per-row baseline (one transaction per row), same run.

Both load the same kind of linked output with the same statements; only the batch size differs
(``--batch-size`` vs 1), so the ratio isolates what batching buys. The baseline loads a smaller
subset (``--baseline-workers``) because it is slow; rates are per source record.

Usage:
  .venv/bin/python benchmarks/graph_load.py --workers 20000 --baseline-workers 500
  .venv/bin/python benchmarks/graph_load.py --linked out/linked --baseline-workers 500  # real output
  NEO4J_URI=bolt://host:7687 .venv/bin/python benchmarks/graph_load.py --workers 400000
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from neo4j import Driver
from rich.console import Console
from rich.table import Table

from graph.connection import Neo4jSettings, connect
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
    server = LocalNeo4j(
        data_dir=Path(tempfile.mkdtemp(prefix="satu-atap-bench-")), page_cache_mib=page_cache_mib, heap=heap
    )
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
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="satu-atap-bench-linked-"))
    batched_dir = args.linked or _synthetic(work / "batched", args.workers)
    baseline_dir = _synthetic(work / "baseline", args.baseline_workers)
    with benchmark_driver(args.page_cache_mib, args.heap) as (driver, server):
        # Warm-up: plan every statement once so neither mode pays for query planning.
        load_linked(driver, _synthetic(work / "warmup", 300))
        empty_graph(driver)
        batched = load_linked(driver, batched_dir, batch_size=args.batch_size)
        empty_graph(driver)
        baseline = load_linked(driver, baseline_dir, batch_size=1)
        empty_graph(driver)

    table = Table(title=f"Graph load ({server})")
    for column in ("mode", "source records", "persons", "seconds", "records/s", "vs per-row"):
        table.add_column(column, justify="right" if column != "mode" else "left")

    def row(name: str, report: LoadReport) -> None:
        ratio = report.records_per_second / baseline.records_per_second
        table.add_row(
            name,
            f"{report.source_records:,}",
            f"{report.persons:,}",
            f"{report.seconds:.1f}",
            f"{report.records_per_second:,.0f}",
            f"{ratio:.1f}×",
        )

    row(f"batched UNWIND ({args.batch_size}/tx)", batched)
    row("per-row MERGE (1/tx)", baseline)
    Console().print(table)
    Console().print("targets: ≥ 20,000 source records/s and ≥ 50× the per-row baseline")


if __name__ == "__main__":
    main()
