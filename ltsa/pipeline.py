"""The main job's data steps: ingest → link → load, rerunnable on the same work folder.

Steward decisions made in the gateway live in the graph; before relinking they are appended to the
linked folder's decisions log, so every later run honours them (and a decided pair is never asked
again). Relinking passes the previous linked folder, so person IDs stay stable across runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver
from rich.console import Console

from graph.load_console import load_with_progress
from graph.queries.gateway_candidates import export_decisions, load_candidates
from linkage.ingest import run_ingest
from linkage.link import manifest_trust, run_link
from linkage.linked import DECISIONS_FILE, RECORDS_FILE

console = Console(stderr=True)


@dataclass
class PipelineSummary:
    """Figures the demo prints and its tests compare with the graph."""

    records_per_source: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    source_records: int = 0
    persons: int = 0
    auto_matched_pairs: int = 0
    review_pairs: int = 0
    decisions_carried: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "records_per_source": self.records_per_source,
            "quarantined": self.quarantined,
            "source_records": self.source_records,
            "persons": self.persons,
            "auto_matched_pairs": self.auto_matched_pairs,
            "review_pairs": self.review_pairs,
            "decisions_carried": self.decisions_carried,
        }


def run_pipeline(manifest: Path, work_dir: Path, driver: Driver, database: str = "neo4j") -> PipelineSummary:
    """Ingest the manifest's silos, link them into persons and load the graph; return the figures."""
    ingest_dir, linked_dir = work_dir / "ingest", work_dir / "linked"
    summary = PipelineSummary()
    work_dir.mkdir(parents=True, exist_ok=True)

    console.rule("[bold]1/3 ingest")
    report = run_ingest(manifest, ingest_dir)
    for source in report.sources:
        summary.records_per_source[source.source] = source.accepted
    summary.quarantined = report.quarantined

    console.rule("[bold]2/3 link")
    previous = linked_dir if (linked_dir / RECORDS_FILE).exists() else None
    if previous is not None:
        # Decisions taken in the gateway since the last run become input of this one.
        summary.decisions_carried = export_decisions(driver, linked_dir, database=database)
    decisions = linked_dir / DECISIONS_FILE
    run = run_link(
        ingest_dir / "canonical.parquet",
        linked_dir,
        decisions=decisions if decisions.exists() else None,
        previous=previous,
        source_trust=manifest_trust(ingest_dir / "canonical.parquet", manifest),
        show_progress=True,
    )
    counts = run.counts
    summary.persons = int(counts["persons"])
    summary.auto_matched_pairs = int(counts["auto_matched_pairs"])
    summary.review_pairs = int(counts["review_pairs"])

    console.rule("[bold]3/3 load")
    load_report = load_with_progress(driver, linked_dir, console, database=database)
    summary.source_records = int(load_report.source_records)
    load_candidates(driver, linked_dir, database=database)
    (work_dir / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2))
    return summary
