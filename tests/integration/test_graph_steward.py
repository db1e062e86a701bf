"""Steward writes on the hand-built world: merge two persons, split records off, refuse bad requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver

from graph.identity import split_person_id
from graph.load import load_linked
from graph.queries import persons, search, timeline
from graph.queries.steward import (
    MatchDecision,
    StewardConflict,
    UnmergeRequest,
    apply_matches,
    apply_unmerges,
)

from .graph_world import graph_snapshot, write_world

pytestmark = pytest.mark.neo4j
AT = "2026-11-02T09:00:00Z"


@pytest.fixture()
def world(clean_graph: Driver, tmp_path: Path) -> Driver:
    load_linked(clean_graph, write_world(tmp_path / "linked"))
    return clean_graph


def _owner(driver: Driver, key: str) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (:SourceRecord {key: $k})-[:RESOLVES_TO]->(p) RETURN p.personId AS id", k=key
    )
    return [r["id"] for r in records]


def test_match_keeps_the_person_with_more_records_and_moves_everything(world: Driver) -> None:
    # P1 has three records, P3 one: P1 survives whichever side the steward clicked.
    (outcome,) = apply_matches(
        world, [MatchDecision("siskop2mi:3", "disnaker:1", steward="ani", decided_at=AT)]
    )
    assert (outcome.survivor_id, outcome.absorbed_id, outcome.records_moved) == ("P1", "P3", 1)
    assert _owner(world, "siskop2mi:3") == ["P1"]
    assert persons.persons_by_id(world, ["P3"]) == []
    (siti,) = persons.persons_by_id(world, ["P1"])
    assert siti.properties["recordCount"] == 4
    assert siti.properties["fullName"] == "SITI AMINAH"  # the survivor's golden values stay
    # Name search (knownNames only) finds the survivor under the absorbed person's name too.
    assert siti.properties["knownNames"] == "DEWI LESTARI | SITI AMINAH"
    assert [hit.person_id for hit in search.search_persons(world, "Dewi Lestari")] == ["P1"]
    # Dewi's placement and recruitment now hang on the survivor.
    assert len(timeline.placement_timeline(world, ["P1"])) == 2
    records, _, _ = world.execute_query(
        "MATCH (d:StewardDecision {decision: 'MATCH'})-[:KEPT]->(p) "
        "RETURN d.absorbedId AS absorbed, d.steward AS steward, p.personId AS kept, "
        "COUNT { (d)-[:ABOUT]->() } AS about"
    )
    assert [dict(r) for r in records] == [{"absorbed": "P3", "steward": "ani", "kept": "P1", "about": 2}]


def test_match_of_records_already_together_only_records_history(world: Driver) -> None:
    before = graph_snapshot(world)[0]
    (outcome,) = apply_matches(
        world, [MatchDecision("disnaker:1", "dukcapil:1", steward="ani", decided_at=AT)]
    )
    assert (outcome.survivor_id, outcome.absorbed_id, outcome.records_moved) == ("P1", None, 0)
    after = graph_snapshot(world)[0]
    assert after - before == {"StewardDecision": 1}


def test_unmerge_splits_records_into_a_deterministic_new_person(world: Driver) -> None:
    request = UnmergeRequest(["dukcapil:1"], steward="budi", decided_at=AT, note="different mother")
    (outcome,) = apply_unmerges(world, [request])
    assert outcome == type(outcome)("P1", split_person_id(["dukcapil:1"]))
    assert _owner(world, "dukcapil:1") == [outcome.new_person_id]
    (old, new) = persons.persons_by_id(world, ["P1", outcome.new_person_id])
    assert (old.properties["recordCount"], new.properties["recordCount"]) == (2, 1)
    assert new.properties["nik"] == old.properties["nik"]  # copied from the split record, as the silo said
    assert new.properties["knownNames"] == "SITI AMINAH"  # found by name search like any person
    found = {hit.person_id for hit in search.search_persons(world, "Siti Aminah")}
    assert found == {"P1", outcome.new_person_id}
    records, _, _ = world.execute_query(
        "MATCH (u:Unmerge)-[:SPLIT_FROM]->(a), (u)-[:SPLIT_INTO]->(b) "
        "RETURN a.personId AS a, b.personId AS b, u.recordKeys AS keys, u.note AS note"
    )
    assert [dict(r) for r in records] == [
        {"a": "P1", "b": outcome.new_person_id, "keys": ["dukcapil:1"], "note": "different mother"}
    ]


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        (["dukcapil:1", "dukcapil:2"], "several persons"),
        (["nope:1"], "not loaded"),
        (["siskop2mi:3"], "nothing to split"),
    ],
)
def test_bad_unmerge_is_refused_and_rolls_back_the_batch(
    world: Driver, keys: list[str], problem: str
) -> None:
    before = graph_snapshot(world)
    good = UnmergeRequest(["siskop2mi:1"], steward="budi", decided_at=AT)
    with pytest.raises(StewardConflict, match=problem):
        apply_unmerges(world, [good, UnmergeRequest(keys, steward="budi", decided_at=AT)])
    assert graph_snapshot(world) == before  # the good request of the same batch was rolled back too


def test_match_with_unknown_record_is_refused(world: Driver) -> None:
    before = graph_snapshot(world)
    with pytest.raises(StewardConflict, match="nope:9"):
        apply_matches(world, [MatchDecision("disnaker:1", "nope:9", steward="ani", decided_at=AT)])
    assert graph_snapshot(world) == before
