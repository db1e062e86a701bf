"""``run_ingest``: every source of a manifest into canonical.parquet, quarantine.parquet and a report.

Per source: find its files, read each (format reader), check the columns, map to canonical fields,
quarantine rows with no identity, key the records, standardise (linkage.standardise), and append.
Outputs are written to temporary names and renamed at the end, so a failed run leaves the previous
outputs whole and a rerun replaces them rather than adding to them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..canonical import COLUMNS
from ..manifest import Manifest, SourceSpec, load_manifest
from ..standardise.record import standardise_frame
from .columns import check_columns
from .files import file_label, file_sha256, source_files
from .flags import count_flags, join_flags
from .mapping import map_rows
from .quarantine import QUARANTINE_COLUMNS, quarantine_frame, unidentified, unidentified_frame
from .raw_table import RawTable, stack_tables
from .readers import read_file
from .record_keys import assign_record_keys
from .report import IngestReport, SourceReport

CANONICAL_FILE: Final = "canonical.parquet"
QUARANTINE_FILE: Final = "quarantine.parquet"
REPORT_FILE: Final = "ingest_report.json"


def run_ingest(manifest_path: Path, out_dir: Path) -> IngestReport:
    """Ingest every source of the manifest into ``out_dir``; return the report (also written as JSON)."""
    manifest = load_manifest(manifest_path)
    # Absolute, because `ltsa link` finds the manifest (for source trust) through this report.
    report = IngestReport(manifest=str(manifest_path.resolve()), out_dir=str(out_dir.resolve()))
    canonical: list[pd.DataFrame] = []
    quarantined: list[pd.DataFrame] = []
    for spec in manifest.sources:
        source_report = SourceReport(source=spec.name)
        accepted, rejected = _ingest_source(manifest, spec, source_report)
        source_report.check()
        report.sources.append(source_report)
        canonical.append(accepted)
        quarantined.append(rejected)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_parquet(_canonical_table(canonical), out_dir / CANONICAL_FILE)
    _write_parquet(_quarantine_table(quarantined), out_dir / QUARANTINE_FILE)
    temporary = out_dir / f".{REPORT_FILE}.tmp"
    report.write(temporary)
    os.replace(temporary, out_dir / REPORT_FILE)
    return report


@dataclass(frozen=True)
class _SourceRows:
    """Every readable row of one source (all its files stacked), with per-row file provenance."""

    table: RawTable
    files: npt.NDArray[np.object_]
    sha256: npt.NDArray[np.object_]


@dataclass(frozen=True)
class _Provenance:
    """Where each accepted row comes from."""

    files: npt.NDArray[np.object_]
    row_numbers: npt.NDArray[np.int64]
    sha256: npt.NDArray[np.object_]


def _read_source(
    manifest: Manifest, spec: SourceSpec, report: SourceReport
) -> tuple[_SourceRows, list[pd.DataFrame]]:
    tables: list[RawTable] = []
    names: list[str] = []
    digests: list[str] = []
    rejected: list[pd.DataFrame] = []
    for path in source_files(manifest, spec):
        name = file_label(manifest, path)
        table = read_file(path, spec)
        if spec.format != "jsonl":
            check_columns(spec, name, table.header)
        report.files.append(name)
        report.read += len(table.cells) + len(table.rejections)
        report.blank_rows += table.blank_rows
        rejected.append(quarantine_frame(spec.name, name, table.rejections))
        tables.append(table)
        names.append(name)
        digests.append(file_sha256(path))
    stacked = stack_tables(tables)
    if spec.format == "jsonl":
        # Lines carry only the keys they have, so a key counts as present if any line of the source has it.
        check_columns(spec, ", ".join(names), stacked.header)
    counts = [len(t.cells) for t in tables]
    return (
        _SourceRows(
            table=stacked,
            files=np.repeat(np.asarray(names, dtype=object), counts),
            sha256=np.repeat(np.asarray(digests, dtype=object), counts),
        ),
        rejected,
    )


def _ingest_source(
    manifest: Manifest, spec: SourceSpec, report: SourceReport
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, rejected = _read_source(manifest, spec, report)
    mapped = map_rows(spec, rows.table)
    orphan = unidentified(mapped.cleaned)
    rejected.append(
        unidentified_frame(spec.name, rows.files, rows.table, orphan, list(mapped.cleaned.columns))
    )
    quarantined = pd.concat(rejected, ignore_index=True).sort_values(["file", "row_number"], kind="stable")
    keep = ~orphan
    accepted = _standardised(
        spec,
        mapped.raw[keep].reset_index(drop=True),
        mapped.cleaned[keep].reset_index(drop=True),
        mapped.flags[keep].reset_index(drop=True),
        rows.table.column(spec.record_id)[keep].reset_index(drop=True) if spec.record_id else None,
        _Provenance(rows.files[keep], rows.table.row_numbers[keep], rows.sha256[keep]),
    )
    report.quarantined = len(quarantined)
    report.quarantine_reasons = {
        str(k): int(v) for k, v in quarantined["reason"].value_counts().sort_index().items()
    }
    report.accepted = len(accepted)
    report.flagged_rows = int((accepted["flags"] != "").sum())
    report.flags = count_flags(accepted["flags"])
    return accepted, quarantined


def _standardised(
    spec: SourceSpec,
    raw: pd.DataFrame,
    cleaned: pd.DataFrame,
    flags: pd.Series,
    ids: pd.Series | None,
    provenance: _Provenance,
) -> pd.DataFrame:
    if len(raw) == 0:
        # Nothing accepted (empty files, or every row quarantined): nothing to standardise.
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row_number" else object) for c in COLUMNS})
    files = pd.Series(provenance.files, index=raw.index)
    row_numbers = pd.Series(provenance.row_numbers, index=raw.index)
    keys = assign_record_keys(spec.name, ids, files, row_numbers, per_file=spec.is_glob)
    # Flags raised while reading travel with the values; standardisation merges them with its own.
    cleaned["flags"] = join_flags(cleaned.index, [flags, keys.flags])
    standard = standardise_frame(
        cleaned,
        default_country=spec.default_country,
        date_formats={field: list(formats) for field, formats in spec.dates.items()},
    )
    out = pd.DataFrame(
        {
            "record_key": keys.record_key,
            "source": spec.name,
            "record_id": keys.record_id,
            "file": files,
            "row_number": row_numbers,
            "file_sha256": provenance.sha256,
        },
        index=raw.index,
    )
    for column in COLUMNS[len(out.columns) :]:
        if column.startswith("raw_"):
            out[column] = raw.get(column.removeprefix("raw_"), "")
        else:
            out[column] = standard[column]
    return out.loc[:, list(COLUMNS)]


_CANONICAL_SCHEMA: Final = pa.schema([(c, pa.int64() if c == "row_number" else pa.string()) for c in COLUMNS])
_QUARANTINE_SCHEMA: Final = pa.schema(
    [(c, pa.int64() if c == "row_number" else pa.string()) for c in QUARANTINE_COLUMNS]
)


def _canonical_table(frames: list[pd.DataFrame]) -> pa.Table:
    frame = pd.concat(frames, ignore_index=True)
    return pa.Table.from_pandas(frame, schema=_CANONICAL_SCHEMA, preserve_index=False)


def _quarantine_table(frames: list[pd.DataFrame]) -> pa.Table:
    return pa.Table.from_pandas(
        pd.concat(frames, ignore_index=True), schema=_QUARANTINE_SCHEMA, preserve_index=False
    )


def _write_parquet(table: pa.Table, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, temporary)
    os.replace(temporary, path)
