"""``ltsa load --bulk`` / ``--bulk-csv`` on a terminal: run the bulk path and print what it did."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .bulk_import import BulkLoadReport, bulk_load, container_command, write_bulk_csv


def bulk_load_with_summary(
    linked_dir: Path, data_dir: Path, console: Console, *, overwrite: bool, csv_dir: Path | None = None
) -> BulkLoadReport:
    with console.status(f"bulk import into {data_dir} (offline), then schema …"):
        report, _server = bulk_load(linked_dir, data_dir, overwrite=overwrite, csv_dir=csv_dir)
    console.print(summary(report))
    return report


def write_csv_with_command(linked_dir: Path, folder: Path, console: Console) -> None:
    """Write the CSV files and print the importer command for the official image (remote servers)."""
    files, report = write_bulk_csv(linked_dir, folder)
    console.print(f"wrote {report.nodes:,} nodes and {report.relationships:,} relationships to {folder}")
    console.print(
        "stop the target database, mount this folder at /import, then run (add "
        "--overwrite-destination=true to replace a database that exists):",
        highlight=False,
    )
    print(shlex.join(container_command(files)))


def summary(report: BulkLoadReport) -> Table:
    table = Table(title=f"Bulk-loaded run {report.run_id}", show_header=True)
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_row("source records", f"{report.source_records:,}")
    table.add_row("persons", f"{report.persons:,}")
    table.add_row("nodes / relationships", f"{report.nodes:,} / {report.relationships:,}")
    table.add_row("replaced an existing database", "yes" if report.replaced_database else "no")
    table.add_section()
    for label, seconds in (
        ("CSV written", report.csv_seconds),
        ("import", report.import_seconds),
        ("server start", report.start_seconds),
        ("schema online", report.schema_seconds),
    ):
        table.add_row(f"{label} (s)", f"{seconds:.1f}")
    table.add_row("records/s", f"{report.records_per_second:,.0f} ({report.seconds:.1f} s)")
    return table
