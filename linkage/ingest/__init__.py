"""Lossless ingest: silo files (CSV, JSON Lines, Excel) into the canonical table, per a source manifest.

Every row read ends up either in ``canonical.parquet`` (with its provenance and raw values) or in
``quarantine.parquet`` (with the reason); ``ingest_report.json`` accounts for both.
"""

from __future__ import annotations

from .errors import SourceFileError
from .report import IngestReport, SourceReport
from .run import CANONICAL_FILE, QUARANTINE_FILE, REPORT_FILE, run_ingest

__all__ = [
    "CANONICAL_FILE",
    "QUARANTINE_FILE",
    "REPORT_FILE",
    "IngestReport",
    "SourceFileError",
    "SourceReport",
    "run_ingest",
]
