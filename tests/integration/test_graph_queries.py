"""Every read query on the hand-built world (tests/integration/graph_world.py), results asserted."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest
from neo4j import Driver

from graph.connection import Neo4jSettings, async_driver
from graph.load import load_linked
from graph.queries import coverage, family, neighbourhood, paths, persons, risk, search, shared, timeline
from graph.queries.views import KEY_PROPERTY, EntityRef

from .graph_world import BROKER_PHONE, SHARED_PHONE, SITI_NIK, write_world

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(neo4j_driver: Driver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    load_linked(neo4j_driver, write_world(tmp_path_factory.mktemp("world") / "linked"))
    yield neo4j_driver


def test_person_by_id_nik_and_passport_with_records(world: Driver) -> None:
    (by_id,) = persons.persons_by_id(world, ["P1", "P1"])
    assert by_id.properties["fullName"] == "SITI AMINAH"
    assert by_id.properties["birthDate"] == dt.date(1990, 1, 15)
    assert [r.key for r in by_id.records] == ["disnaker:1", "dukcapil:1", "siskop2mi:1"]
    assert by_id.records[0].source == "disnaker"
    (by_nik,) = persons.persons_by_nik(world, [SITI_NIK])
    (by_passport,) = persons.persons_by_passport(world, ["C1000001"])
    assert by_nik.person_id == by_passport.person_id == "P1"
    assert persons.persons_by_id(world, ["P404"]) == []


def test_name_search_tolerates_spelling_and_rejects_syntax(world: Driver) -> None:
    hits = search.search_persons(world, "siti amina")
    assert [h.person_id for h in hits] == ["P1"]
    assert [h.person_id for h in search.search_persons(world, "DEWI")] == ["P3"]
    # Quotes, wildcards and field syntax are dropped: "*:*" would otherwise match everyone.
    assert [h.person_id for h in search.search_persons(world, 'BUDI" *:*')] == ["P2"]
    with pytest.raises(ValueError, match="at least one letter"):
        search.search_persons(world, "***")


def test_family_from_card_and_declared_relation(world: Driver) -> None:
    ties = family.family_of(world, ["P1"])
    assert {(t.relative_id, t.relation, t.relative_is_subject, t.basis) for t in ties} == {
        ("P2", "istri", False, "family_card"),  # Siti is the wife of the head of the family
        ("P2", "suami", True, "declared"),  # Budi says he is her husband
    }


def test_placement_timeline(world: Driver) -> None:
    (entry,) = timeline.placement_timeline(world, ["P1"])
    assert (entry.phase, entry.procedural, entry.destination) == ("masa", False, "MY")
    assert entry.departure_date == dt.date(2023, 2, 1)
    assert (entry.agency_id, entry.employer_name) == ("LIC:KEP123/2020", "TAN HOLDINGS")
    assert entry.record_keys == ["disnaker:1", "siskop2mi:1"]
    assert {e.person_id for e in timeline.placement_timeline(world, ["P3", "P4", "P2"])} == {"P3", "P4"}


def test_neighbourhood_one_and_two_hops(world: Driver) -> None:
    one = neighbourhood.neighbourhood(world, EntityRef("Person", "P1"), hops=1)
    assert one is not None
    refs = {n.ref for n in one.nodes}
    assert {
        "Person:P1",
        "Person:P2",
        f"Phone:{SHARED_PHONE}",
        "Passport:C1000001",
        "SourceRecord:dukcapil:1",
    } <= refs
    assert "Region:3212" not in refs  # geography is not evidence unless asked for
    assert all("Person:P1" in (r.start, r.end) for r in one.relationships if r.type == "HAS_PHONE")
    two = neighbourhood.neighbourhood(
        world, EntityRef("Person", "P1"), hops=2, relationship_types=["HAS_PHONE"]
    )
    assert two is not None
    assert {n.ref for n in two.nodes} == {"Person:P1", f"Phone:{SHARED_PHONE}", "Person:P3", "Person:P4"}
    capped = neighbourhood.neighbourhood(world, EntityRef("Person", "P1"), hops=2, max_nodes=2)
    assert capped is not None and capped.truncated and len(capped.nodes) == 3  # start + 2 nearest
    assert neighbourhood.neighbourhood(world, EntityRef("Person", "P404")) is None
    with pytest.raises(ValueError, match="unknown or no relationship"):
        neighbourhood.neighbourhood(
            world, EntityRef("Person", "P1"), relationship_types=["KNOWS]->() DETACH"]
        )
    with pytest.raises(ValueError, match="unknown label"):
        EntityRef("Person) DETACH DELETE (n", "P1")


def test_a_lean_neighbourhood_is_the_same_picture_without_the_properties(world: Driver) -> None:
    for hops, types in ((1, None), (2, ["HAS_PHONE", "FAMILY_OF"]), (2, None)):
        whole = neighbourhood.neighbourhood(world, EntityRef("Person", "P1"), hops, types)
        lean = neighbourhood.neighbourhood(world, EntityRef("Person", "P1"), hops, types, only=["fullName"])
        assert whole is not None and lean is not None
        assert [n.ref for n in lean.nodes] == [n.ref for n in whole.nodes]  # same order: nearest first
        assert [(r.start, r.type, r.end) for r in lean.relationships] == [
            (r.start, r.type, r.end) for r in whole.relationships
        ]
        assert lean.truncated == whole.truncated
        for full, slim in zip(whole.nodes, lean.nodes, strict=True):
            # The key and the names asked for, as the whole node holds them; nothing else.
            wanted = {k: v for k, v in full.properties.items() if k in ("fullName", KEY_PROPERTY[full.label])}
            assert slim.properties == wanted
        assert all(r.properties == {} for r in lean.relationships)
    person = next(n for n in lean.nodes if n.ref == "Person:P1")
    assert "provenance" not in person.properties and person.properties["fullName"]
    with pytest.raises(ValueError, match="not property names"):
        neighbourhood.neighbourhood(world, EntityRef("Person", "P1"), only=["x} RETURN 1 //"])


def test_shortest_paths_broker_to_worker_through_a_shared_phone(world: Driver) -> None:
    found = paths.shortest_paths(world, EntityRef("Person", "P4"), EntityRef("Broker", f"TEL:{BROKER_PHONE}"))
    assert len(found) == 2  # via Siti and via Dewi, both recruited by Pak Darto
    for path in found:
        assert [n.label for n in path.nodes] == ["Person", "Phone", "Person", "Broker"]
        assert [r.type for r in path.relationships] == ["HAS_PHONE", "HAS_PHONE", "RECRUITED"]
    assert paths.shortest_paths(world, EntityRef("Person", "P4"), EntityRef("Person", "P5"), max_hops=1) == []
    with pytest.raises(ValueError, match="max_hops"):
        paths.shortest_paths(world, EntityRef("Person", "P4"), EntityRef("Person", "P5"), max_hops=7)


def test_shared_identifiers(world: Driver) -> None:
    links = shared.shared_identifier_links(world, ["P1"])
    assert {(x.kind, x.value, x.other_id) for x in links} == {
        ("phone", SHARED_PHONE, "P3"),
        ("phone", SHARED_PHONE, "P4"),
    }
    holders = shared.identifier_holders(world, "phone", [BROKER_PHONE, SHARED_PHONE])
    assert [(h.value, h.holder_label, h.holder_id) for h in holders] == [
        (SHARED_PHONE, "Person", "P1"),
        (SHARED_PHONE, "Person", "P3"),
        (SHARED_PHONE, "Person", "P4"),
        (BROKER_PHONE, "Broker", f"TEL:{BROKER_PHONE}"),
    ]
    with pytest.raises(ValueError, match="unknown identifier kind"):
        shared.identifier_holders(world, "email", ["x"])


def test_risk_signals(world: Driver) -> None:
    flagged = risk.risky_organisations(world, min_complaints=1, min_non_procedural=2)
    assert [(o.label, o.id, o.complaints, o.non_procedural, o.workers) for o in flagged] == [
        ("Agency", "LIC:KEP123/2020", 1, 2, 2),
        ("Broker", f"TEL:{BROKER_PHONE}", 0, 2, 2),
    ]
    (phone,) = risk.phones_shared_across_regencies(world, min_workers=3, min_regencies=3)
    assert (phone.phone, phone.worker_ids, phone.regencies) == (
        SHARED_PHONE,
        ["P1", "P3", "P4"],
        ["3204", "3212", "3301"],
    )
    (minor,) = risk.minors_at_placement(world)
    assert (minor.person_id, minor.age_years, minor.departure_date) == ("P4", 16, dt.date(2024, 1, 10))


def test_ltsa_coverage_gap(world: Driver) -> None:
    offices, _, _ = world.execute_query(
        "MATCH (o:LtsaOffice)-[:LOCATED_IN]->(r) "
        "WHERE o.name IN ['LTSA PROV. JAWA BARAT', 'DISNAKER KAB. BANDUNG'] "
        "RETURN o.name AS name, o.isLtsa AS ltsa, r.code AS code ORDER BY name"
    )
    assert [tuple(r) for r in offices] == [
        ("DISNAKER KAB. BANDUNG", False, "3204"),
        ("LTSA PROV. JAWA BARAT", True, "32"),
    ]
    # Kab. Bandung has a Disnaker desk but no LTSA: it stays in the gap.
    gap = coverage.coverage_gap(world, with_ltsa=False)
    assert [(r.code, r.workers, r.has_ltsa) for r in gap] == [("3204", 2, False)]
    assert gap[0].province == "JAWA BARAT"
    covered = coverage.coverage_gap(world, with_ltsa=True)
    assert [(r.code, r.workers, r.offices) for r in covered] == [
        ("3212", 1, ["LTSA KABUPATEN INDRAMAYU"]),
        ("3301", 1, ["LTSA KABUPATEN CILACAP"]),
    ]
    assert [r.code for r in coverage.coverage_gap(world)] == ["3204", "3212", "3301"]


def test_async_variants_match_sync(world: Driver, neo4j_settings: Neo4jSettings) -> None:
    async def fetch() -> tuple[object, ...]:
        driver = async_driver(neo4j_settings)
        try:
            async with driver.session() as session:
                found = await persons.persons_by_id_async(session, ["P1"])
            gap = await coverage.coverage_gap_async(driver, with_ltsa=False)
            sub = await neighbourhood.neighbourhood_async(driver, EntityRef("Person", "P1"), hops=1)
            return found, gap, sub
        finally:
            await driver.close()

    found, gap, sub = asyncio.run(fetch())
    assert found == persons.persons_by_id(world, ["P1"])
    assert gap == coverage.coverage_gap(world, with_ltsa=False)
    assert sub == neighbourhood.neighbourhood(world, EntityRef("Person", "P1"), hops=1)
