"""``ltsa load``: a linked folder into the graph — batched MERGE (idempotent, resumable, incremental)
or, for a first national load, the offline bulk importer (``--bulk``, ``--bulk-csv``). Exit code 2
for a bad folder or a refused bulk import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)


def load(
    linked_dir: Annotated[Path, typer.Argument(help="Folder written by `ltsa link`.")],
    batch_size: Annotated[int, typer.Option(help="Rows per write transaction.")] = 2000,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="First load with neo4j-admin import into the stopped local store (LTSA_NEO4J_DATA); "
            "much faster, but offline and it replaces the whole database.",
        ),
    ] = False,
    bulk_csv: Annotated[
        Path | None,
        typer.Option(
            "--bulk-csv",
            help="Write the importer's CSV files to this folder and print the neo4j-admin command "
            "(bulk first load of a remote Neo4j); with --bulk, keep the CSV files there.",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="With --bulk: replace a local database that holds data.")
    ] = False,
) -> None:
    """Load a linked folder into the graph (idempotent; rerun to resume an interrupted load).

    Example: ltsa load out/linked   (first national load: ltsa load out/linked --bulk)
    """
    import os

    from graph.bulk_csv import BulkCsvError
    from graph.bulk_import import BulkImportError
    from graph.connection import connect
    from graph.linked_input import LinkedInputError
    from graph.load_console import load_with_progress

    from .neo4j_runtime import neo4j_settings

    if overwrite and not bulk:
        raise typer.BadParameter(
            "only the bulk importer replaces a database; add --bulk", param_hint="--overwrite"
        )
    if bulk or bulk_csv is not None:
        from graph.bulk_console import bulk_load_with_summary, write_csv_with_command
        from graph.local_server import default_data_dir

        try:
            if bulk_csv is not None and not bulk:
                write_csv_with_command(linked_dir, bulk_csv, console)
            elif os.environ.get("NEO4J_URI"):
                raise BulkImportError(
                    "--bulk writes the local store offline and cannot reach NEO4J_URI; for that server "
                    "use --bulk-csv DIR and run the printed neo4j-admin command there"
                )
            else:
                bulk_load_with_summary(
                    linked_dir, default_data_dir(), console, overwrite=overwrite, csv_dir=bulk_csv
                )
        except (LinkedInputError, BulkImportError, BulkCsvError) as exc:
            console.print(f"[red]cannot load:[/red] {exc}")
            raise typer.Exit(2) from exc
        return
    with neo4j_settings() as settings:
        driver = connect(settings)
        try:
            load_with_progress(driver, linked_dir, console, batch_size=batch_size, database=settings.database)
        except LinkedInputError as exc:
            console.print(f"[red]cannot load:[/red] {exc}")
            raise typer.Exit(2) from exc
        finally:
            driver.close()
