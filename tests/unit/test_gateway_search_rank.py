"""The name search ranks by the linkage name similarity, computed per query without a pair frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.schema.search import query_similarity, rank
from graph.queries.gateway_io import Row
from linkage.comparison.kernels import PairFrame
from linkage.comparison.names import name_similarity

WORDS = ["SITI", "AMINAH", "AMINA", "NUR", "HIDAYAT", "DEWI", "LESTARI", "BINTI", "SAPUTRA", "ANI"]
NAMES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


def linkage_similarity(query: str, names: list[str]) -> np.ndarray:
    """name_similarity over a frame pairing the query with each name, as the linkage model runs it."""
    values = [query, *names]
    records = pd.DataFrame({"name": values, "sorted": [" ".join(sorted(v.split())) for v in values]})
    pairs = PairFrame(records, np.zeros(len(names), dtype=np.int64), np.arange(1, len(names) + 1))
    every = np.ones(len(names), dtype=bool)
    return name_similarity(pairs, "name", "sorted", every, enough=1.0, floor=0.0)


@settings(max_examples=200, deadline=None)
@given(NAMES, st.lists(NAMES, min_size=1, max_size=12))
def test_query_similarity_is_the_linkage_name_similarity(query: str, names: list[str]) -> None:
    assert np.array_equal(query_similarity(query, names), linkage_similarity(query, names))


def hit(person_id: str, full_name: str, known: str, score: float) -> Row:
    return {"person": {"personId": person_id, "fullName": full_name, "knownNames": known}, "score": score}


def test_rank_scores_each_hit_by_its_best_known_name() -> None:
    hits = [
        hit("P-2", "AMINAH BINTI SITI", "SITI AMINA", 3.0),
        hit("P-1", "DEWI LESTARI", "SITI AMINAH", 1.0),
        hit("P-3", "NUR HIDAYAT", "", 9.0),
    ]
    ranked = rank("SITI AMINAH", hits)
    assert [(score, name, hits[i]["person"]["personId"]) for score, name, i in ranked][:2] == [
        (1.0, "SITI AMINAH", "P-1"),
        (round(float(query_similarity("SITI AMINAH", ["SITI AMINA"])[0]), 4), "SITI AMINA", "P-2"),
    ]
    assert ranked[2][2] == 2 and ranked[2][1] == "NUR HIDAYAT"


def test_equal_scores_fall_back_to_full_text_score_then_person_id() -> None:
    hits = [
        hit("P-9", "SITI AMINAH", "", 1.0),
        hit("P-8", "SITI AMINAH", "", 1.0),
        hit("P-7", "SITI AMINAH", "", 2.0),
    ]
    assert [i for _, _, i in rank("SITI AMINAH", hits)] == [2, 1, 0]
