"""Linkage quality: pairwise and B-cubed precision/recall/F1 of predicted clusters against the truth.

Both work from the contingency table of (predicted cluster, true entity) cell sizes n_ij, so they cost
O(records): pairwise counts pairs (TP = Σ C(n_ij, 2)); B-cubed averages, per record, the share of its
predicted cluster that is truly its entity (precision) and of its entity that it was clustered with
(recall). Per-source figures restrict the pairs (pairwise) or the averaged records (B-cubed) to those
touching a source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .linked import RECORDS_FILE


def _pairs(n: np.ndarray) -> np.ndarray:
    return n * (n - 1) / 2.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _aligned(predicted: pd.Series, truth: pd.Series) -> pd.DataFrame:
    """record → (cluster, entity) for records present in both; unmatched records are errors."""
    missing = truth.index.difference(predicted.index)
    if len(missing):
        raise ValueError(
            f"{len(missing)} records have a true entity but no predicted cluster, e.g. {list(missing[:3])}"
        )
    return pd.DataFrame({"cluster": predicted.reindex(truth.index), "entity": truth})


def pairwise_metrics(
    predicted: pd.Series, truth: pd.Series, focus: pd.Series | None = None
) -> dict[str, float]:
    """Pairwise P/R/F1 (record → cluster id, record → entity id, both indexed by record key).

    ``focus`` (bool per record) counts only pairs with at least one focused record.
    """
    frame = _aligned(predicted, truth)
    frame["focus"] = True if focus is None else focus.reindex(frame.index).fillna(False).astype(bool)

    def touching(groups: list[str]) -> float:
        sizes = frame.groupby(groups, sort=False)["focus"].agg(["size", "sum"])
        n, f = sizes["size"].to_numpy(float), sizes["sum"].to_numpy(float)
        return float((_pairs(n) - _pairs(n - f)).sum())

    true_positive = touching(["cluster", "entity"])
    predicted_pairs = touching(["cluster"])
    true_pairs = touching(["entity"])
    precision = true_positive / predicted_pairs if predicted_pairs else 1.0
    recall = true_positive / true_pairs if true_pairs else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "true_positive_pairs": true_positive,
        "predicted_pairs": predicted_pairs,
        "true_pairs": true_pairs,
    }


def bcubed_metrics(
    predicted: pd.Series, truth: pd.Series, focus: pd.Series | None = None
) -> dict[str, float]:
    """B-cubed P/R/F1, averaged over all records (or the ``focus`` records)."""
    frame = _aligned(predicted, truth)
    cell = frame.groupby(["cluster", "entity"], sort=False)["cluster"].transform("size")
    cluster = frame.groupby("cluster", sort=False)["cluster"].transform("size")
    entity = frame.groupby("entity", sort=False)["entity"].transform("size")
    chosen = (
        np.ones(len(frame), bool)
        if focus is None
        else focus.reindex(frame.index).fillna(False).to_numpy(bool)
    )
    if not chosen.any():
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    precision = float((cell / cluster).to_numpy()[chosen].mean())
    recall = float((cell / entity).to_numpy()[chosen].mean())
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def evaluate_clusters(
    predicted: pd.Series, truth: pd.Series, source: pd.Series | None = None
) -> dict[str, Any]:
    """Overall pairwise and B-cubed metrics, plus per source when ``source`` (record → source) is given."""
    result: dict[str, Any] = {
        "records": len(truth),
        "predicted_clusters": int(predicted.reindex(truth.index).nunique()),
        "true_entities": int(truth.nunique()),
        "pairwise": pairwise_metrics(predicted, truth),
        "bcubed": bcubed_metrics(predicted, truth),
    }
    if source is not None:
        per_source = {}
        for name in sorted(source.reindex(truth.index).dropna().unique()):
            focus = source == name
            per_source[str(name)] = {
                "pairwise": pairwise_metrics(predicted, truth, focus),
                "bcubed": bcubed_metrics(predicted, truth, focus),
            }
        result["per_source"] = per_source
    return result


class EvaluationInputError(ValueError):
    """A linked folder or truth table that cannot be evaluated (missing file or column)."""


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise EvaluationInputError(f"{path} does not exist")
    frame = pd.read_parquet(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise EvaluationInputError(f"{path} lacks columns {missing}")
    return frame


def evaluate_linked(linked: Path, truth: Path) -> dict[str, Any]:
    """Metrics of a linked folder's ``records.parquet`` (person_id per record) against a truth table.

    ``truth``: Parquet with ``record_key`` and ``person_id`` (``ltsa synth`` writes ``truth.parquet``).
    Records the truth does not know (e.g. added by hand) are left out.
    """
    records = _read(linked / RECORDS_FILE, ("record_key", "source", "person_id")).set_index("record_key")
    expected = _read(truth, ("record_key", "person_id")).set_index("record_key")["person_id"]
    expected = expected[expected.index.isin(records.index)]
    if expected.empty:
        raise EvaluationInputError(f"no record of {linked / RECORDS_FILE} appears in {truth}")
    return evaluate_clusters(records["person_id"], expected, records["source"])


def report_lines(result: dict[str, Any]) -> list[str]:
    """A plain-text table: overall then per source, pairwise and B-cubed P/R/F1."""
    Scope = dict[str, dict[str, float]]
    per_source = cast(dict[str, Scope], result.get("per_source", {}))
    rows: list[tuple[str, Scope]] = [("overall", cast(Scope, result)), *sorted(per_source.items())]
    lines = [f"{'scope':24} {'pair P':>7} {'pair R':>7} {'pair F1':>7} {'B3 P':>7} {'B3 R':>7} {'B3 F1':>7}"]
    for scope, metrics in rows:
        pairwise, bcubed = metrics["pairwise"], metrics["bcubed"]
        figures = [pairwise[k] for k in ("precision", "recall", "f1")] + [
            bcubed[k] for k in ("precision", "recall", "f1")
        ]
        lines.append(f"{scope:24} " + " ".join(f"{v:7.4f}" for v in figures))
    return lines
