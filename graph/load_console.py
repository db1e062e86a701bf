"""``ltsa load`` on a terminal: the loader with a rich progress bar per step and a summary table."""

from __future__ import annotations

from pathlib import Path

from neo4j import Driver
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from .load import DEFAULT_BATCH_SIZE, LoadReport, load_linked


def load_with_progress(
    driver: Driver,
    linked_dir: Path,
    console: Console,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    database: str = "neo4j",
) -> LoadReport:
    tasks: dict[str, TaskID] = {}
    columns = (TextColumn("{task.description:>14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:

        def on_progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total or 1)
            progress.update(tasks[step], completed=done if total else 1)

        report = load_linked(
            driver, linked_dir, batch_size=batch_size, database=database, on_progress=on_progress
        )
    console.print(summary(report))
    return report


def summary(report: LoadReport) -> Table:
    table = Table(title=f"Loaded run {report.run_id}", show_header=True)
    table.add_column("step")
    table.add_column("rows", justify="right")
    for step, rows in report.rows_per_step.items():
        table.add_row(step, f"{rows:,}")
    table.add_section()
    table.add_row("source records", f"{report.source_records:,}")
    table.add_row("persons", f"{report.persons:,}")
    table.add_row("batches written", f"{report.batches_written:,}")
    table.add_row("rows already committed (resumed)", f"{report.rows_skipped:,}")
    table.add_row("older run removed", "yes" if report.cleaned_up else "no")
    table.add_row("records/s", f"{report.records_per_second:,.0f} ({report.seconds:.1f} s)")
    return table
