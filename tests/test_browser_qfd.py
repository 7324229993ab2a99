"""The improvement-plan (QFD) tab in a real headless Chromium: the house of quality draws, fits
beside the ranked plan, and speaks both languages."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM_ARGS,
    MAP_IFRAME,
    TIMEOUT_S,
    _choose,
    _wait_idle,
    app_url,
    chromium,
)

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'


def _open_tab(page, tab: str) -> None:
    page.get_by_role("tab", name=tab).click()
    panel = page.get_by_role("tabpanel", name=tab)
    panel.locator(f"{CHART} canvas, {CHART} svg.marks").first.wait_for()
    page.wait_for_timeout(800)  # let Vega finish drawing


def _house_and_plan(page, tab: str, plan_heading: str) -> tuple[dict, dict]:
    panel = page.get_by_role("tabpanel", name=tab)
    drawn = panel.locator(f"{CHART} canvas, {CHART} svg.marks").first.bounding_box()
    plan = panel.get_by_text(plan_heading, exact=True).bounding_box()
    return drawn, plan


def test_house_of_quality_draws_beside_the_plan(app_url, chromium, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # A laptop screen with the sidebar open: the narrowest layout the tab is made for.
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.set_default_timeout(TIMEOUT_S * 1000)
            page.on("request", lambda request: requested.append(request.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(app_url)
            page.wait_for_selector(MAP_IFRAME)
            _wait_idle(page)
            _choose(page, "Produk", "kerupuk")

            tab = "Rencana perbaikan (QFD)"
            _open_tab(page, tab)
            panel = page.get_by_role("tabpanel", name=tab)
            assert panel.get_by_text("Rumah mutu (QFD): kerupuk").is_visible()
            drawn, plan = _house_and_plan(page, tab, "Rencana: langkah dukungan menurut prioritas")
            # The house is drawn at a readable size and ends before the plan starts.
            assert drawn["width"] > 400 and drawn["height"] > 500, drawn
            assert drawn["x"] + drawn["width"] <= plan["x"], (drawn, plan)
            assert panel.get_by_text("Pendampingan tenaga ahli", exact=True).is_visible()
            assert panel.get_by_text("Skenario, bukan ramalan", exact=False).first.is_visible()
            page.screenshot(path=str(tmp_path / "qfd-id.png"), full_page=True)

            page.get_by_text("English", exact=True).click()
            _wait_idle(page)
            tab = "Improvement plan (QFD)"
            _open_tab(page, tab)
            panel = page.get_by_role("tabpanel", name=tab)
            assert panel.get_by_text("House of quality (QFD): kerupuk").is_visible()
            drawn, plan = _house_and_plan(page, tab, "Plan: support measures by priority")
            assert drawn["x"] + drawn["width"] <= plan["x"], (drawn, plan)
            assert panel.get_by_text("Expert assistance", exact=True).is_visible()
            assert panel.get_by_text("Scenario, not a forecast", exact=False).first.is_visible()
            page.screenshot(path=str(tmp_path / "qfd-en.png"), full_page=True)
        finally:
            browser.close()
    assert errors == [], errors
    hosts = {urlparse(u).hostname for u in requested if urlparse(u).scheme in {"http", "https"}}
    assert hosts == {"127.0.0.1"}, sorted(hosts)
