"""Fellegi–Sunter scoring: EM recovers known parameters, TF adjustment, explanations, labels, FEBRL."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage import febrl
from linkage.engine import LinkConfig, ScoredPairs, score
from linkage.scoring import em, tf
from linkage.scoring.explain import waterfall_json
from linkage.scoring.model import FellegiSunterModel
from linkage.scoring.random_u import with_random_u
from tests.unit.canonical_rows import canonical_rows


def test_em_recovers_the_parameters_that_generated_the_pairs() -> None:
    rng = np.random.default_rng(7)
    m_true = [np.array([0.85, 0.10, 0.05]), np.array([0.9, 0.1]), np.array([0.7, 0.2, 0.1])]
    u_true = [np.array([0.05, 0.15, 0.80]), np.array([0.2, 0.8]), np.array([0.1, 0.3, 0.6])]
    n, share = 40_000, 0.2
    is_match = rng.random(n) < share
    columns = []
    for m, u in zip(m_true, u_true, strict=True):
        draw_m = rng.choice(len(m), size=n, p=m)
        draw_u = rng.choice(len(u), size=n, p=u)
        columns.append(np.where(is_match, draw_m, draw_u))
    patterns, counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    levels = (("a", "b", "c"), ("a", "b"), ("a", "b", "c"))
    model = em.estimate(patterns, counts, ("x", "y", "z"), levels, max_iterations=500, tolerance=1e-8)
    assert model.lambda_ == pytest.approx(share, abs=0.02)
    for c in range(3):
        np.testing.assert_allclose(model.m[c], m_true[c], atol=0.03)
        np.testing.assert_allclose(model.u[c], u_true[c], atol=0.03)


def test_em_ignores_missing_levels() -> None:
    patterns = np.array([[0, -1], [1, 1], [0, 0], [1, -1]], dtype=np.int8)
    counts = np.array([50, 500, 40, 10])
    model = em.estimate(patterns, counts, ("x", "y"), (("a", "b"), ("a", "b")))
    assert model.level_counts is not None
    assert model.level_counts[1].tolist() == [40, 500]  # the 60 missing pairs are not counted
    assert model.m[0][0] > model.u[0][0]


def _light(config: LinkConfig) -> LinkConfig:
    """Fewer random pairs for u: keeps the tests fast; FEBRL 1 has 500k pairs in all."""
    return replace(config, u_sample_pairs=100_000)


@pytest.fixture(scope="module")
def febrl1() -> tuple[ScoredPairs, dict[str, Any]]:
    return febrl.run(1, _light(febrl.config()))


def test_em_on_febrl_finds_agreement_likelier_among_matches(
    febrl1: tuple[ScoredPairs, dict[str, Any]],
) -> None:
    model = febrl1[0].model
    assert model["converged"]
    for name, levels in model["comparisons"].items():
        exact, different = levels[0], levels[-1]
        assert exact["m"] > exact["u"], name
        assert different["m"] < different["u"], name


def test_febrl1_pairwise_f1_floor(febrl1: tuple[ScoredPairs, dict[str, Any]]) -> None:
    metrics = febrl1[1]
    assert metrics["pairwise"]["f1"] >= 0.95
    assert febrl1[0].report["pair_completeness"] >= 0.99


def test_waterfall_sums_to_the_match_weight(febrl1: tuple[ScoredPairs, dict[str, Any]]) -> None:
    scored = febrl1[0]
    pairs = scored.pairs.sample(500, random_state=1)
    weight_columns = [c for c in pairs.columns if c.startswith("w_")]
    for row in pairs.itertuples(index=False):
        waterfall = json.loads(str(row.explanation))
        total = scored.prior_weight + sum(step["weight"] for step in waterfall)
        assert total == pytest.approx(row.match_weight, abs=1e-3)
        assert [step["comparison"] for step in waterfall] == [c[2:] for c in weight_columns]
    np.testing.assert_allclose(
        scored.prior_weight + pairs[weight_columns].sum(axis=1), pairs["match_weight"], atol=1e-9
    )
    assert (pairs["left_key"] < pairs["right_key"]).all()
    probability = 1.0 / (1.0 + 2.0 ** (-pairs["match_weight"]))
    np.testing.assert_allclose(pairs["match_probability"], probability)


def test_pairs_below_the_floor_are_not_returned(febrl1: tuple[ScoredPairs, dict[str, Any]]) -> None:
    scored = febrl1[0]
    assert scored.pairs["match_weight"].min() >= febrl.config().floor_weight
    assert scored.report["returned_pairs"] < scored.report["total_pairs"]


def test_waterfall_json_renders_each_pairs_own_levels_and_weights() -> None:
    labels = [np.array(["exact", "null", "exact", "different"], dtype=object), np.array(["a", "b", "a", "a"])]
    weights = [np.array([12.19999, 0.0, 12.2, -7.0]), np.array([1.0, 2.0, 1.0, 1.00004])]
    rendered = waterfall_json(("name", "sex"), labels, weights)
    expected = [
        [
            {"comparison": name, "level": label[i], "weight": round(float(weight[i]), 4)}
            for name, label, weight in zip(("name", "sex"), labels, weights, strict=True)
        ]
        for i in range(4)
    ]
    assert [json.loads(text) for text in rendered] == expected


def _people(count: int, name: str, year: int) -> list[dict[str, str]]:
    return [
        {
            "full_name": name,
            "name_tokens": name,
            "birth_date": f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "sex": "P",
        }
        for i in range(count)
    ]


def test_a_common_name_counts_for_less_than_a_rare_one() -> None:
    common, rare = "SITI AMINAH", "SRI WAHYUNINGSIH"
    crowd = _people(40, common, 1990)
    # Two duplicated people, identical apart from the name's frequency.
    twins = [
        {"full_name": common, "name_tokens": common, "birth_date": "1991-07-17", "sex": "P", "source": "a"},
        {"full_name": common, "name_tokens": common, "birth_date": "1991-07-17", "sex": "P", "source": "b"},
        {"full_name": rare, "name_tokens": rare, "birth_date": "1991-07-17", "sex": "P", "source": "a"},
        {"full_name": rare, "name_tokens": rare, "birth_date": "1991-07-17", "sex": "P", "source": "b"},
    ]
    records = canonical_rows(*crowd, *twins)
    keys = records["record_key"].tolist()
    config = LinkConfig(auto_match_weight=6.0, review_weight=0.0, floor_margin=1e6)
    pairs = score(records, config).pairs.set_index(["left_key", "right_key"])
    common_pair = pairs.loc[tuple(sorted(keys[-4:-2]))]
    rare_pair = pairs.loc[tuple(sorted(keys[-2:]))]
    assert common_pair["l_name"] == rare_pair["l_name"] == "exact"
    assert common_pair["w_name"] < rare_pair["w_name"]
    assert common_pair["match_weight"] < rare_pair["match_weight"]


def _labelled(scored: ScoredPairs, truth: pd.Series, per_class: int) -> pd.DataFrame:
    pairs = scored.pairs
    same = truth.reindex(pairs["left_key"]).to_numpy() == truth.reindex(pairs["right_key"]).to_numpy()
    chosen = pd.concat(
        [
            pairs[same].head(per_class).assign(decision="MATCH"),
            pairs[~same].head(per_class).assign(decision="NON_MATCH"),
        ]
    )
    return chosen[["left_key", "right_key", "decision"]]


def test_steward_labels_steer_estimation_once_there_are_enough() -> None:
    records, truth = febrl.load(1)
    config = replace(_light(febrl.config()), floor_margin=1e6)  # every candidate pair: non-matches too
    unlabelled = score(records, config)
    enough = _labelled(unlabelled, truth, per_class=config.min_labels)
    too_few = _labelled(unlabelled, truth, per_class=config.min_labels - 1)
    supervised = score(records, config, decisions=enough)
    assert supervised.model["labelled_pairs"] == 2 * config.min_labels
    assert score(records, config, decisions=too_few).model["labelled_pairs"] == 0
    assert supervised.model["comparisons"] != unlabelled.model["comparisons"]


def test_bad_input_is_refused_with_a_clear_error() -> None:
    records = canonical_rows({"full_name": "BUDI"}, {"full_name": "BUDI"})
    with pytest.raises(ValueError, match="record_key"):
        score(records.drop(columns="record_key"))
    with pytest.raises(ValueError, match="unique"):
        score(records.assign(record_key="x:1"))
    with pytest.raises(ValueError, match="decisions lack"):
        score(records, decisions=pd.DataFrame({"left_key": ["x"], "decision": ["MATCH"]}))


def test_model_and_report_are_json_serialisable(febrl1: tuple[ScoredPairs, dict[str, Any]]) -> None:
    scored = febrl1[0]
    model = json.loads(json.dumps(scored.model))
    report = json.loads(json.dumps(scored.report))
    assert {"lambda", "candidate_lambda", "iterations", "comparisons"} <= model.keys()
    assert sum(rule["new_pairs"] for rule in report["rules"]) == report["total_pairs"]


def test_no_candidate_pairs_gives_an_empty_frame_with_the_contract_columns() -> None:
    records = canonical_rows({"full_name": "BUDI"}, {"full_name": "SITI"})
    scored = score(records)
    assert scored.pairs.empty
    expected = {"left_key", "right_key", "match_weight", "match_probability", "explanation"}
    expected |= {f"{p}_{c.name}" for c in LinkConfig.default().comparisons for p in ("l", "w")}
    assert expected <= set(scored.pairs.columns)


def test_an_unknown_backend_is_refused() -> None:
    records = canonical_rows({"full_name": "BUDI"})
    with pytest.raises(ValueError, match="backend"):
        score(records, replace(LinkConfig.default(), backend="spark"))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=30))
def test_tf_adjustment_moves_evidence_without_adding_any(value_counts: list[int]) -> None:
    # Over chance agreements (value v with probability tf_v² / Σ tf²), 2**adjustment averages to 1.
    values = pd.Series([f"v{i}" for i, n in enumerate(value_counts) for _ in range(n)])
    frequency, u_exact = tf.record_frequencies(values)
    shares = values.value_counts(normalize=True)
    adjustment = tf.adjustments(shares.to_numpy(), shares.to_numpy(), u_exact)
    chance = shares.to_numpy() ** 2 / u_exact
    if np.all(np.abs(adjustment) < tf.MAX_ADJUSTMENT):
        assert float((chance * 2.0**adjustment).sum()) == pytest.approx(1.0)
    assert len(frequency) == len(values)


def test_random_pairs_u_removes_the_true_matches_among_them() -> None:
    m = [np.array([0.9, 0.1])]
    model = FellegiSunterModel(("id",), (("exact", "different"),), m, [np.array([0.5, 0.5])], 0.1)
    model.present_matches = [100.0]  # expected matching candidate pairs with the id present
    # 10,000 possible pairs, all sampled; the id is present on all; 200 agree exactly, 90 of them
    # (0.9 × 100) true matches, so chance agreement is (200 - 90) / (10,000 - 100).
    counts = [np.array([200.0, 9_800.0])]
    fitted = with_random_u(model, counts, sampled_pairs=10_000, candidate_pairs=1_000, all_pairs=10_000)
    assert fitted.u[0][0] == pytest.approx(110.5 / 9_901, rel=0.02)
    assert fitted.lambda_ == pytest.approx(0.1 * 1_000 / 10_000)
    assert fitted.candidate_lambda == 0.1
