"""/coverage in a real browser: regencies ranked by workers, the top one computed from the graph."""

from __future__ import annotations

import pytest
from neo4j import Driver
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage, artifact

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

# Workers per regency or city, straight from the graph: the :Worker label and where they live.
WORKERS_PER_REGENCY = """
MATCH (r:Region) WHERE r.kind IN ['kabupaten', 'kota']
WITH r, COUNT { (r)<-[:LIVES_IN]-(:Worker) } AS workers, COUNT { (r)<-[:LOCATED_IN]-(:LtsaOffice) } AS offices
WHERE workers > 0
RETURN r.code AS code, r.name AS name, workers, offices ORDER BY workers DESC, code
"""


def test_the_top_sending_regency_is_listed_first(open_page: OpenPage, sample_graph: Driver) -> None:
    ranking = sample_graph.execute_query(WORKERS_PER_REGENCY).records
    top = ranking[0]
    assert top["workers"] > ranking[-1]["workers"], "the sample must rank regencies, not tie them all"
    page = open_page("/coverage", role="app")
    first_row = page.locator("#coverage-table tbody tr").first
    expect(first_row).to_have_attribute("data-code", top["code"])
    expect(first_row.locator("th")).to_have_text(top["name"])
    expect(first_row.locator("td").nth(2)).to_have_text(str(top["workers"]))
    expect(page.locator("#chart svg text").nth(2)).to_have_text(top["name"])  # after the two legend labels
    page.screenshot(path=artifact("coverage-top.png"))


def test_regencies_without_an_ltsa_office_can_be_listed_alone(
    open_page: OpenPage, sample_graph: Driver
) -> None:
    without = [r for r in sample_graph.execute_query(WORKERS_PER_REGENCY).records if r["offices"] == 0]
    page = open_page("/coverage", role="app")
    expect(page.locator("#coverage-table tbody tr").first).to_be_visible()
    page.get_by_label("Kantor LTSA").select_option("without")
    rows = page.locator("#coverage-table tbody tr")
    expect(rows).to_have_count(len(without))
    expect(rows.first).to_have_attribute("data-code", without[0]["code"])
    assert set(rows.locator("td:last-child").all_inner_texts()) == {"tidak ada"}
