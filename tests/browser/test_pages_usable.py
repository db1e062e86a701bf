"""Every page at desktop and tablet size: no accessibility violations (axe-core), no sideways
scrolling, labelled controls, and the language toggle (Bahasa Indonesia by default, then English)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.build import WEB
from tests.browser.conftest import DESKTOP, TABLET, OpenPage, Site, artifact

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {"review": "steward", "explore": "investigator", "coverage": "app", "login": None}
READY = {
    "review": "#queue-list button",
    "explore": "#risks button",
    "coverage": "#coverage-table tbody tr",
    "login": "#login-form",
}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    # Evaluated rather than added as a <script>: the pages' Content-Security-Policy (rightly) refuses
    # inline scripts, and the policy under test must stay the real one.
    page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


@pytest.mark.parametrize("size", ["desktop", "tablet"])
@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_is_accessible_and_fits(open_page: OpenPage, name: str, size: str) -> None:
    viewport = DESKTOP if size == "desktop" else TABLET
    page = open_page(f"/{name}", role=PAGES[name], viewport=viewport)
    expect(page.locator(READY[name]).first).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=artifact(f"{name}-{size}.png"), full_page=True)


def test_the_language_is_bahasa_indonesia_until_switched_and_then_remembered(open_page: OpenPage) -> None:
    page = open_page("/coverage", role="app")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cakupan LTSA per kabupaten/kota")
    expect(page.locator("#coverage-table thead")).to_contain_text("Pekerja migran")
    page.get_by_role("button", name="Ganti bahasa").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("LTSA coverage by regency")
    expect(page.locator("#coverage-table thead")).to_contain_text("Migrant workers")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("LTSA coverage by regency")
    expect(page.get_by_role("link", name="Match review")).to_be_visible()


def test_login_refuses_what_is_not_a_token_and_offers_dev_roles(open_page: OpenPage, site: Site) -> None:
    page = open_page("/login")
    page.get_by_label("Token (JWT)").fill("not-a-token")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("bukan JWT")
    page.get_by_role("button", name="investigator").click()
    page.wait_for_url(f"{site.pages}/explore")
    expect(page.get_by_test_id("session")).to_contain_text("dev-investigator (investigator)")


def test_controls_all_have_labels(open_page: OpenPage) -> None:
    for name, role in PAGES.items():
        page = open_page(f"/{name}", role=role)
        expect(page.locator(READY[name]).first).to_be_visible()
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input, select, textarea, button')]
                 .filter(e => !e.labels?.length && !e.getAttribute('aria-label') && !e.textContent.trim())
                 .map(e => e.outerHTML)"""
        )
        assert unlabelled == [], f"/{name}: {unlabelled}"


def test_without_a_token_the_page_says_to_sign_in_and_comes_back_after(open_page: OpenPage) -> None:
    page = open_page("/coverage")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sesi tidak sah atau kedaluwarsa")
    alert.get_by_role("link", name="Masuk").click()
    page.get_by_role("button", name="app").click()  # the development login offers roles here
    page.wait_for_url("**/coverage")
    expect(page.locator("#coverage-table tbody tr").first).to_be_visible()


def test_a_role_without_the_capability_is_told_which_role_is_needed(open_page: OpenPage) -> None:
    page = open_page("/explore", role="app")
    expect(page.get_by_role("alert")).to_contain_text("Peran Anda tidak diizinkan")
    expect(page.get_by_role("alert")).to_contain_text("investigator")
