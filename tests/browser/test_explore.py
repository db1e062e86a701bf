"""/explore in a real browser: an investigator finds a person, expands the graph, and traces a path."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenPage, artifact

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

PURPOSE = "CASE-2026-0001"
# The relationship types paths() follows by default (graph.queries.views.EVIDENCE_TYPES).
EVIDENCE = (
    "RESOLVES_TO|HAS_PHONE|HAS_PASSPORT|HAS_ADDRESS|HAS_PLACEMENT|THROUGH_AGENCY|WITH_EMPLOYER|DESCRIBES|"
    "RECRUITED|FAMILY_OF|FILED|CONCERNS|AGAINST|REPORTS|ABOUT|KEPT|SPLIT_FROM|SPLIT_INTO"
)


def broker_and_two_recruits(driver: Driver) -> dict[str, Any]:
    """A broker who recruited two people, the first with a name nobody else has (so search finds them)."""
    records, _, _ = driver.execute_query(
        """MATCH (b:Broker)-[:RECRUITED]->(p:Person)
           WITH b, p ORDER BY p.personId
           WITH b, collect(p) AS people WHERE size(people) >= 2
           WITH b, people[0] AS first, people[1] AS second
           WHERE COUNT { (n:Person) WHERE n.fullName = first.fullName } = 1
           RETURN b.brokerId AS broker, first.personId AS first, first.fullName AS name,
                  second.personId AS second, COUNT { (first)-[:HAS_PLACEMENT]->() } AS placements
           ORDER BY broker LIMIT 1"""
    )
    assert records, "the sample must have a broker who recruited two people"
    return records[0].data()


def open_person(page: Page, name: str, person_id: str) -> None:
    page.get_by_label("Cari nama").fill(name.lower())
    page.get_by_role("button", name="Cari", exact=True).click()
    page.locator(f'#results button[data-person="{person_id}"]').click()
    expect(page.locator("#golden-body")).to_contain_text(person_id)
    expect(page.locator(f'#nodes tr[data-node="Person:{person_id}"]')).to_have_count(1)


def path_length(edges: list[tuple[str, str]], start: str, goal: str) -> int | None:
    """Hops from start to goal over the listed edges, either direction (breadth-first)."""
    neighbours: dict[str, set[str]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    seen, queue = {start: 0}, deque([start])
    while queue:
        node = queue.popleft()
        for nxt in neighbours.get(node, ()):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    return seen.get(goal)


def test_search_shows_the_golden_record_with_sources_and_the_placement_timeline(
    open_page: OpenPage, sample_graph: Driver
) -> None:
    found = broker_and_two_recruits(sample_graph)
    page = open_page("/explore", role="investigator", purpose=PURPOSE)
    open_person(page, found["name"], found["first"])
    name_row = page.locator('#provenance tr[data-field="fullName"]')
    expect(name_row).to_contain_text(found["name"])
    sources = page.locator("#provenance td.source").all_inner_texts()
    assert sources and all(text.strip() not in ("", "–") for text in sources)
    expect(page.locator("#timeline-body .placement")).to_have_count(found["placements"])
    page.screenshot(path=artifact("explore-desktop.png"), full_page=True)


def test_an_investigator_expands_a_neighbourhood_and_finds_a_path(
    open_page: OpenPage, sample_graph: Driver
) -> None:
    found = broker_and_two_recruits(sample_graph)
    first, second, broker = (
        f"Person:{found['first']}",
        f"Person:{found['second']}",
        f"Broker:{found['broker']}",
    )
    page = open_page("/explore", role="investigator", purpose=PURPOSE)
    page.get_by_label("Jumlah lompatan").select_option("1")
    open_person(page, found["name"], found["first"])
    expect(page.locator(f'#nodes tr[data-node="{broker}"]')).to_have_count(1)
    expect(page.locator(f'#nodes tr[data-node="{second}"]')).to_have_count(0)

    page.locator(f'#nodes button[data-expand="{broker}"]').click()
    expect(page.locator(f'#nodes tr[data-node="{second}"]')).to_have_count(1)
    # The broker now ties two people in view: highlighted as shared.
    expect(page.locator(f'#nodes tr[data-node="{broker}"]')).to_have_class("shared")

    page.locator(f'#nodes button[data-path-to="{second}"]').click()
    expect(page.get_by_label("Jalur ke (id)")).to_have_value(second)
    page.get_by_role("button", name="Cari jalur").click()
    steps = page.locator("#path-result li[data-type]")
    expect(steps.first).to_be_visible()
    edges = [
        (str(li.get_attribute("data-source")), str(li.get_attribute("data-target"))) for li in steps.all()
    ]
    shortest = sample_graph.execute_query(
        f"""MATCH (a:Person {{personId: $a}}), (b:Person {{personId: $b}})
            MATCH p = shortestPath((a)-[:{EVIDENCE}*..6]-(b)) RETURN length(p)""",
        a=found["first"],
        b=found["second"],
    ).records[0][0]
    assert path_length(edges, first, second) == shortest
    page.screenshot(path=artifact("explore-path.png"), full_page=True)


def test_the_visible_subgraph_exports_as_json_and_png(
    open_page: OpenPage, sample_graph: Driver, tmp_path: Path
) -> None:
    found = broker_and_two_recruits(sample_graph)
    page = open_page("/explore", role="investigator", purpose=PURPOSE)
    open_person(page, found["name"], found["first"])
    in_view = {str(row.get_attribute("data-node")) for row in page.locator("#nodes tbody tr").all()}

    with page.expect_download() as download:
        page.get_by_role("button", name="Ekspor JSON").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert {node["id"] for node in exported["nodes"]} == in_view
    assert all({e["source"], e["target"]} <= in_view for e in exported["edges"]) and exported["edges"]

    with page.expect_download() as download:
        page.get_by_role("button", name="Ekspor PNG").click()
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_risk_signal_opens_its_subject_in_the_graph(open_page: OpenPage) -> None:
    page = open_page("/explore", role="investigator", purpose=PURPOSE)
    signal = page.locator("#risks button[data-subject]").first
    subject = str(signal.get_attribute("data-subject"))
    signal.click()
    expect(page.locator(f'#nodes tr[data-node="{subject}"]')).to_have_count(1)
    expect(page.get_by_label("Jalur dari (id)")).to_have_value(subject)
