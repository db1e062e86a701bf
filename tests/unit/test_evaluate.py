"""Pairwise and B-cubed metrics on tiny clusterings computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkage.evaluate import bcubed_metrics, evaluate_clusters, pairwise_metrics
from linkage.febrl import connected_clusters
from ltsa.cli import app

# Truth: {a, b, c} and {d, e}. Prediction: {a, b} and {c, d, e}.
TRUTH = pd.Series({"a": 1, "b": 1, "c": 1, "d": 2, "e": 2})
PREDICTED = pd.Series({"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"})
SOURCE = pd.Series({"a": "s1", "b": "s1", "c": "s2", "d": "s2", "e": "s2"})


def test_pairwise_counts_pairs() -> None:
    # predicted pairs ab, cd, ce, de; true pairs ab, ac, bc, de; both hold ab and de.
    metrics = pairwise_metrics(PREDICTED, TRUTH)
    assert (metrics["true_positive_pairs"], metrics["predicted_pairs"], metrics["true_pairs"]) == (2, 4, 4)
    assert metrics["precision"] == metrics["recall"] == metrics["f1"] == 0.5


def test_bcubed_averages_per_record() -> None:
    # precision a, b: 1; c: 1/3; d, e: 2/3. recall a, b: 2/3; c: 1/3; d, e: 1.
    metrics = bcubed_metrics(PREDICTED, TRUTH)
    assert metrics["precision"] == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert metrics["recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_per_source_restricts_to_pairs_and_records_of_the_source() -> None:
    result = evaluate_clusters(PREDICTED, TRUTH, SOURCE)
    s1 = result["per_source"]["s1"]
    # Pairs touching a or b: predicted ab; true ab, ac, bc.
    assert s1["pairwise"]["precision"] == 1.0
    assert s1["pairwise"]["recall"] == pytest.approx(1 / 3)
    assert s1["bcubed"]["precision"] == 1.0
    assert s1["bcubed"]["recall"] == pytest.approx(2 / 3)
    assert result["predicted_clusters"] == 2
    assert result["true_entities"] == 2


def test_perfect_clustering_scores_one() -> None:
    metrics = evaluate_clusters(TRUTH.map({1: "p", 2: "q"}), TRUTH)
    assert metrics["pairwise"]["f1"] == metrics["bcubed"]["f1"] == 1.0


def test_singletons_have_perfect_precision_and_no_recall() -> None:
    singletons = pd.Series(range(5), index=TRUTH.index)
    assert pairwise_metrics(singletons, TRUTH)["recall"] == 0.0
    assert pairwise_metrics(singletons, TRUTH)["precision"] == 1.0
    assert bcubed_metrics(singletons, TRUTH)["precision"] == 1.0


def test_a_record_without_a_prediction_is_an_error() -> None:
    with pytest.raises(ValueError, match="no predicted cluster"):
        pairwise_metrics(PREDICTED.drop("e"), TRUTH)


def test_connected_clusters_join_pairs_above_the_weight() -> None:
    keys = pd.Series(list("abcde"))
    pairs = pd.DataFrame(
        {"left_key": ["a", "b", "d"], "right_key": ["b", "c", "e"], "match_weight": [9.0, 8.0, 1.0]}
    )
    clusters = connected_clusters(keys, pairs, min_weight=5.0)
    assert clusters["a"] == clusters["b"] == clusters["c"]
    assert clusters["d"] != clusters["e"]


def _linked_folder(tmp_path: Path) -> tuple[Path, Path]:
    linked = tmp_path / "linked"
    linked.mkdir()
    records = pd.DataFrame(
        {"record_key": PREDICTED.index, "source": SOURCE.to_numpy(), "person_id": PREDICTED.to_numpy()}
    )
    records.to_parquet(linked / "records.parquet", index=False)
    truth = tmp_path / "truth.parquet"
    pd.DataFrame({"record_key": TRUTH.index, "person_id": TRUTH.astype(str).to_numpy()}).to_parquet(truth)
    return linked, truth


def test_ltsa_evaluate_prints_overall_and_per_source_metrics(tmp_path: Path) -> None:
    linked, truth = _linked_folder(tmp_path)
    result = CliRunner().invoke(app, ["evaluate", str(linked), "--truth", str(truth), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["pairwise"]["f1"] == 0.5
    assert set(metrics["per_source"]) == {"s1", "s2"}
    table = CliRunner().invoke(app, ["evaluate", str(linked), "--truth", str(truth)])
    assert [line.split()[0] for line in table.stdout.splitlines()[1:]] == ["overall", "s1", "s2"]


def test_ltsa_evaluate_refuses_a_folder_without_records(tmp_path: Path) -> None:
    _, truth = _linked_folder(tmp_path)
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "nowhere"), "--truth", str(truth)])
    assert result.exit_code == 2
    assert "does not exist" in result.output
