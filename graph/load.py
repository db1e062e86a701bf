"""Load a linked folder into Neo4j: batched, idempotent, incremental and resumable.

* **Batched**: each step sends ``batch_size`` rows to its ``UNWIND … MERGE`` statements, all in one
  managed write transaction (``session.execute_write``, retried on transient errors).
* **Idempotent**: every key is derived from the data (``graph.identity``) and the run id is the
  content hash of the input, so loading the same output twice writes the same values on the same nodes.
* **Incremental**: the records step re-points ``RESOLVES_TO`` in place; once all steps are done, nodes
  and relationships still carrying an older run id (persons left empty, records gone, …) are deleted.
* **Resumable**: a ``(:LoadRun)`` node keeps, per step, how many rows are committed; it is updated in
  the same transaction as the batch. A rerun after a crash (even SIGKILL) skips committed rows,
  finishes the rest and cleans up, ending exactly where a clean load ends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from neo4j import Driver, ManagedTransaction, Session

from . import load_cypher as cypher
from .extract import Extraction, Row
from .linked_input import REGIONS_FILE, read_linked
from .schema import apply_schema

DEFAULT_BATCH_SIZE: Final = 10000

# (step name, statements, rows). Order matters: a step only MATCHes nodes written by earlier steps. The
# statements of a step run in order in the same transaction, once per batch.
STEPS: Final[tuple[tuple[str, tuple[str, ...], Callable[[Extraction], list[Row]]], ...]] = (
    ("regions", (cypher.REGIONS,), Extraction.regions_rows),
    ("offices", (cypher.OFFICES,), Extraction.offices_rows),
    ("persons", cypher.PERSONS, Extraction.persons_rows),
    ("records", cypher.RECORDS, Extraction.records_rows),
    ("phones", (cypher.PHONES,), Extraction.phones_rows),
    ("passports", (cypher.PASSPORTS,), Extraction.passports_rows),
    ("addresses", (cypher.ADDRESSES,), Extraction.addresses_rows),
    ("agencies", (cypher.AGENCIES,), Extraction.agencies_rows),
    ("employers", (cypher.EMPLOYERS,), Extraction.employers_rows),
    ("brokers", (cypher.BROKERS,), Extraction.brokers_rows),
    ("recruitments", (cypher.RECRUITMENTS,), Extraction.recruitments_rows),
    ("placements", cypher.PLACEMENTS, Extraction.placements_rows),
    ("family", (cypher.FAMILY,), Extraction.family_rows),
    ("complaints", (cypher.COMPLAINTS,), Extraction.complaints_rows),
    ("office_visits", (cypher.OFFICE_VISITS,), Extraction.office_visits_rows),
    ("decisions", (cypher.DECISIONS,), Extraction.decisions_rows),
)

# Called after every committed batch: (step, rows done in this step, rows in this step).
ProgressCallback = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    run_id: str
    source_records: int
    persons: int
    rows_per_step: dict[str, int] = field(default_factory=dict)
    batches_written: int = 0
    rows_skipped: int = 0  # committed by an earlier, interrupted attempt of the same run
    cleaned_up: bool = False  # whether data of an earlier run had to be removed
    seconds: float = 0.0

    @property
    def records_per_second(self) -> float:
        return self.source_records / self.seconds if self.seconds else 0.0


def _write_batch(
    tx: ManagedTransaction, statements: tuple[str, ...], rows: list[Row], run: str, progress: dict[str, int]
) -> None:
    for statement in statements:
        tx.run(statement, rows=rows, run=run).consume()
    tx.run(cypher.RECORD_PROGRESS, run=run, progress=json.dumps(progress, sort_keys=True)).consume()


def load_linked(
    driver: Driver,
    linked_dir: Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    database: str = "neo4j",
    regions_file: Path = REGIONS_FILE,
    on_progress: ProgressCallback | None = None,
) -> LoadReport:
    """Make the graph equal to the linked output in ``linked_dir``; see the module docstring."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    started = time.perf_counter()
    linked = read_linked(linked_dir, regions_file)  # a bad folder fails here, before any write
    extraction = Extraction(linked)
    run = linked.run_id
    report = LoadReport(run_id=run, source_records=len(linked.records), persons=len(linked.persons))
    apply_schema(driver, database)
    with driver.session(database=database) as session:
        stored = session.execute_write(
            lambda tx: tx.run(cypher.START_RUN, run=run, source=str(linked_dir)).single()
        )
        progress: dict[str, int] = json.loads(stored["progress"]) if stored else {}
        for name, statements, rows_of in STEPS:
            rows = rows_of(extraction)
            report.rows_per_step[name] = len(rows)
            # Progress counts rows, not batches, so a rerun may use another batch size.
            done = min(progress.get(name, 0), len(rows))
            report.rows_skipped += done
            for start in range(done, len(rows), batch_size):
                batch = rows[start : start + batch_size]
                progress[name] = start + len(batch)
                session.execute_write(_write_batch, statements, batch, run, dict(progress))
                report.batches_written += 1
                if on_progress:
                    on_progress(name, start + len(batch), len(rows))
            if on_progress and done == len(rows):
                on_progress(name, done, len(rows))
        report.cleaned_up = _remove_other_runs(session, run)
        session.execute_write(lambda tx: tx.run(cypher.FINISH_RUN, run=run).consume())
    report.seconds = time.perf_counter() - started
    return report


def _remove_other_runs(session: Session, run: str) -> bool:
    """Delete what an earlier run wrote and this one did not; skipped on a graph with no other run."""
    others = session.run(cypher.OTHER_RUNS, run=run).single()
    if not others or others["n"] == 0:
        return False
    session.run(cypher.DELETE_STALE_RELATIONSHIPS, run=run).consume()
    for label in cypher.LOADED_LABELS:
        session.run(cypher.delete_stale_nodes(label), run=run).consume()
    return True
