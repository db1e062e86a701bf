"""``ltsa link``: one linkage run from the canonical table to the linked folder (linkage/linked.py).

Stages: read → score (linkage.engine) → cluster with cannot-links → stable person IDs → golden records
→ review queue → write. Steward decisions are an input of every run: the previous linked folder's
``decisions.csv`` and an optional extra log are merged, used, and carried into the new folder.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .attach import attach_sole_candidates
from .canonical import COLUMNS
from .cluster import Clustering, cluster_records
from .constraints import CannotLink, cannot_link
from .engine import LinkConfig, score
from .golden import SurvivorshipRules, golden_records
from .ingest.run import REPORT_FILE as INGEST_REPORT_FILE
from .linked import (
    CANDIDATES_FILE,
    DECISIONS_FILE,
    PERSONS_FILE,
    RECORDS_FILE,
    RUN_FILE,
)
from .manifest import load_manifest
from .review import (
    STATUS_AUTO,
    STATUS_DECIDED,
    STATUS_REVIEW,
    candidates_table,
    decisions_in_force,
    merge_logs,
    read_decisions,
    with_candidate_ids,
    write_log,
)
from .stable_ids import assign_person_ids

STAGES = ("read", "score", "cluster", "person IDs", "golden records", "review queue", "write")


class LinkInputError(ValueError):
    """The canonical table or the previous linked folder cannot be used (nothing was written)."""


@dataclass(frozen=True)
class LinkRun:
    """The outcome of one run: where it was written and the figures also stored in run.json."""

    out_dir: Path
    counts: dict[str, int]
    summary: dict[str, object] = field(repr=False)


# Canonical columns linkage never reads: they go from the canonical table to records.parquet Arrow to
# Arrow, so a million people's raw values and free text never become Python strings.
CARRIED_COLUMNS: Final = (
    *(c for c in COLUMNS if c.startswith("raw_")),
    *("file", "file_sha256", "row_number", "record_id", "complaint_id", "complaint_text", "bpjs_number"),
    *("ltsa_office", "sector", "employer_name", "employer_country", "placement_phase"),
    *("placement_status", "procedural", "broker_phone", "agency_licence", "phone_country"),
    *("nik_sex", "name_key", "related_nik"),
)


@dataclass(frozen=True)
class CanonicalTable:
    """The canonical table as read: ``table`` holds every column (text nulls filled with ""),
    ``records`` the columns linkage reads, as pandas, positionally aligned with ``table``."""

    table: pa.Table
    records: pd.DataFrame

    def with_person_ids(self, person_ids: np.ndarray) -> pa.Table:
        """records.parquet: every canonical column, then ``person_id`` (RECORDS_COLUMNS)."""
        table = self.table.select(list(COLUMNS))
        return table.append_column("person_id", pa.array(person_ids, type=pa.string()))


def read_canonical(path: Path, config: LinkConfig | None = None) -> CanonicalTable:
    """The canonical table, checked: every canonical column present, record keys unique. Columns in
    CARRIED_COLUMNS stay out of ``records`` unless ``config`` compares or blocks on them."""
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as error:
        raise LinkInputError(f"{path}: cannot read the canonical table: {error}") from error
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise LinkInputError(f"{path}: not a canonical table, missing column(s): {', '.join(missing)}")
    # Text columns become non-null strings in Arrow, before pandas: pandas' fillna + astype(str) calls
    # str() once per cell, which took most of a minute at a million people.
    for name in (c for c in COLUMNS if c != "row_number"):
        column = table.column(name)
        if not pa.types.is_string(column.type):
            column = column.cast(pa.string())
        table = table.set_column(table.column_names.index(name), name, pc.fill_null(column, ""))
    config = config or LinkConfig.default()
    named = {c for comparison in config.comparisons for c in comparison.columns()}
    named |= {c for rule in config.blocking_rules for c in (*rule.columns(), rule.sub_block_on)}
    read = [c for c in table.column_names if c not in CARRIED_COLUMNS or c in named]
    records = table.select(read).to_pandas()
    duplicated = records["record_key"][records["record_key"].duplicated()]
    if len(duplicated):
        shown = ", ".join(duplicated.astype(str).unique()[:5])
        raise LinkInputError(f"{path}: {len(duplicated)} repeated record_key value(s), e.g. {shown}")
    return CanonicalTable(table.replace_schema_metadata(None), records.reset_index(drop=True))


def manifest_trust(canonical: Path, manifest: Path | None = None) -> dict[str, float]:
    """Source trust for survivorship, from ``manifest`` or else from the manifest named in the
    ``ingest_report.json`` beside the canonical table (ltsa ingest writes it). {} when neither exists."""
    if manifest is None:
        report = canonical.parent / INGEST_REPORT_FILE
        if not report.exists():
            return {}
        try:
            named = Path(json.loads(report.read_text(encoding="utf-8")).get("manifest", ""))
        except (OSError, ValueError, AttributeError):
            return {}  # an unreadable report only costs the trust figures, not the run
        if not named.is_file():
            return {}
        manifest = named
    return {spec.name: spec.trust for spec in load_manifest(manifest).sources}


def _previous_ids(previous: Path | None) -> pd.Series | None:
    if previous is None:
        return None
    path = previous / RECORDS_FILE
    try:
        frame = pd.read_parquet(path, columns=["record_key", "person_id"])
    except (OSError, ValueError) as error:
        raise LinkInputError(f"{path}: cannot read the previous run's records: {error}") from error
    return frame.drop_duplicates("record_key").set_index("record_key")["person_id"].astype(str)


def _decision_log(decisions: Path | None, previous: Path | None) -> pd.DataFrame:
    logs = []
    if previous is not None and (previous / DECISIONS_FILE).exists():
        logs.append(read_decisions(previous / DECISIONS_FILE))
    if decisions is not None:
        logs.append(read_decisions(decisions))
    return merge_logs(*logs)


def _stage_tables(out_dir: Path, tables: Mapping[str, pd.DataFrame | pa.Table]) -> list[tuple[Path, str]]:
    """Write every table under a temporary name; the caller renames them all once the run is complete,
    so a run that fails half-way leaves the previous linked folder as it was."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged = []
    for name, table in tables.items():
        temporary = out_dir / f".{name}.tmp"
        if isinstance(table, pa.Table):
            pq.write_table(table, temporary)
        else:
            table.to_parquet(temporary, index=False)
        staged.append((temporary, name))
    return staged


def _json_ready(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path | datetime):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _accepted_edges(
    records: pd.DataFrame, pairs: pd.DataFrame, in_force: pd.DataFrame, config: LinkConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edges to cluster on, as record positions: auto-matches not vetoed by a steward NON_MATCH, then
    steward MATCHes (weight +inf, flagged ``steward``). Returns left, right, weight, steward."""
    keys = pd.Index(records["record_key"])
    verdict = in_force["decision"]
    auto = (pairs["match_weight"].to_numpy() >= config.auto_match_weight) & ~_vetoed(pairs, in_force)
    confirmed = in_force[verdict == "MATCH"]
    left = np.concatenate(
        [keys.get_indexer(pairs["left_key"][auto]), keys.get_indexer(confirmed["left_key"])]
    )
    right = np.concatenate(
        [keys.get_indexer(pairs["right_key"][auto]), keys.get_indexer(confirmed["right_key"])]
    )
    weight = np.concatenate([pairs["match_weight"].to_numpy()[auto], np.full(len(confirmed), np.inf)])
    steward = np.concatenate([np.zeros(int(auto.sum()), bool), np.ones(len(confirmed), bool)])
    present = (left >= 0) & (right >= 0)  # a decided record may have left the sources
    return left[present], right[present], weight[present], steward[present]


def _vetoed(pairs: pd.DataFrame, in_force: pd.DataFrame) -> np.ndarray:
    """Pairs a steward decided NON_MATCH."""
    verdict = in_force["decision"]
    return pairs["candidate_id"].isin(verdict.index[verdict == "NON_MATCH"]).to_numpy()


def _attach_reports(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    in_force: pd.DataFrame,
    config: LinkConfig,
    clustering: Clustering,
    constraints: CannotLink,
) -> Clustering:
    """The clustering after lone reported records joined their sole review-band person (linkage.attach)."""
    column = config.reported_column
    if column is None or column not in records:
        return clustering
    weight = pairs["match_weight"].to_numpy()
    review = (weight >= config.review_weight) & (weight < config.auto_match_weight)
    review &= ~_vetoed(pairs, in_force)
    keys = pd.Index(records["record_key"])
    left = keys.get_indexer(pairs["left_key"][review])
    right = keys.get_indexer(pairs["right_key"][review])
    reported = (records[column].fillna("").astype(str) != "").to_numpy()
    labels, attached = attach_sole_candidates(clustering.labels, reported, left, right, constraints)
    return replace(clustering, labels=labels, attached_reports=attached)


class _Stages:
    """Times every stage and shows it as a progress line (stderr, so --json output stays clean)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        task = self.progress.add_task(name, total=1) if self.progress else None
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)
        if self.progress is not None and task is not None:
            self.progress.update(task, completed=1)


@contextmanager
def _progress(show: bool) -> Iterator[Progress | None]:
    if not show:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        yield progress


def _counts(
    records: pd.DataFrame,
    persons: pd.DataFrame,
    pairs: pd.DataFrame,
    candidates: pd.DataFrame,
    verdict: pd.Series,
    clustering: Clustering,
    cluster_ids: np.ndarray,
    previous_ids: pd.Series | None,
) -> dict[str, int]:
    status = candidates["status"].value_counts()
    kept = 0 if previous_ids is None else int(pd.Index(cluster_ids).isin(previous_ids.unique()).sum())
    return {
        "records": len(records),
        "persons": len(persons),
        "workers": int(persons["is_worker"].sum()),
        "scored_pairs": len(pairs),
        "auto_matched_pairs": int(status.get(STATUS_AUTO, 0)),
        "review_pairs": int(status.get(STATUS_REVIEW, 0)),
        "decided_pairs": int(status.get(STATUS_DECIDED, 0)),
        **{f"decisions_{d.lower()}": int((verdict == d).sum()) for d in ("MATCH", "NON_MATCH", "UNSURE")},
        "refused_merges": clustering.refused_merges,
        "constraint_splits": clustering.split_components,
        "attached_reports": clustering.attached_reports,
        "persons_kept_id": kept,
        "persons_new_id": len(cluster_ids) - kept,
    }


def run_link(
    canonical: Path,
    out_dir: Path,
    *,
    decisions: Path | None = None,
    previous: Path | None = None,
    config: LinkConfig | None = None,
    source_trust: Mapping[str, float] | None = None,
    show_progress: bool = False,
) -> LinkRun:
    """Link the canonical table into persons and write the linked folder ``out_dir``.

    decisions: an extra steward decisions log (merged with ``previous``'s decisions.csv).
    previous: the previous linked folder; its person IDs are kept for unchanged persons.
    source_trust: source name → manifest trust, for survivorship (default 0.5 each).
    All inputs are read and checked before anything is written.
    """
    config = config or LinkConfig.default()
    with _progress(show_progress) as progress:
        stages = _Stages(progress)
        with stages.stage("read"):
            canonical_table = read_canonical(canonical, config)
            records = canonical_table.records
            log = _decision_log(decisions, previous)
            in_force = decisions_in_force(log)
            previous_ids = _previous_ids(previous)
        with stages.stage("score"):
            scored = score(records, config, decisions=log)
            pairs = with_candidate_ids(scored.pairs)
        with stages.stage("cluster"):
            verdict = in_force["decision"]
            left, right, weight, steward = _accepted_edges(records, pairs, in_force, config)
            constraints = cannot_link(records, in_force[verdict == "NON_MATCH"])
            clustering = cluster_records(left, right, weight, constraints, steward)
            clustering = _attach_reports(records, pairs, in_force, config, clustering, constraints)
        with stages.stage("person IDs"):
            cluster_ids = assign_person_ids(records["record_key"], clustering.labels, previous_ids)
            person_ids = cluster_ids[clustering.labels]
        with stages.stage("golden records"):
            persons = golden_records(records, person_ids, SurvivorshipRules(source_trust=source_trust or {}))
        with stages.stage("review queue"):
            candidates = candidates_table(
                pairs, scored.prior_weight, config.auto_match_weight, config.review_weight, in_force
            )
        with stages.stage("write"):
            tables = {
                RECORDS_FILE: canonical_table.with_person_ids(person_ids),
                PERSONS_FILE: persons,
                CANDIDATES_FILE: candidates,
            }
            staged = _stage_tables(out_dir, tables)

    counts = _counts(records, persons, pairs, candidates, verdict, clustering, cluster_ids, previous_ids)
    summary: dict[str, object] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "canonical": str(canonical),
        "previous": str(previous) if previous else None,
        "counts": counts,
        "source_trust": dict(source_trust or {}),
        "thresholds": {"auto_match_weight": config.auto_match_weight, "review_weight": config.review_weight},
        "prior_weight": scored.prior_weight,
        "model": scored.model,
        "scoring_report": scored.report,
        "seconds": stages.seconds,
    }
    run_json = out_dir / f".{RUN_FILE}.tmp"
    run_json.write_text(json.dumps(summary, indent=2, default=_json_ready) + "\n", encoding="utf-8")
    for temporary, name in [*staged, (run_json, RUN_FILE)]:
        os.replace(temporary, out_dir / name)
    write_log(log, out_dir / DECISIONS_FILE)
    return LinkRun(out_dir=out_dir, counts=counts, summary=summary)
