"""The app in a real headless Chromium: the map draws with Leaflet served by the app itself."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ovop_geo.offline import install_leaflet

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_S = 60
MAP_IFRAME = 'iframe[data-testid="stCustomComponentV1"]'


def _village_names() -> set[str]:
    path = ROOT / "data" / "boundaries" / "rasau_jaya_villages.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["nama"] for f in features}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"{CHROMIUM} not found: run 'bash scripts/ensure-system-packages.sh' (make test does)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@contextlib.contextmanager
def _serve(folder: Path, log_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` in ``folder`` on a free port; yields the URL, stops it after."""
    port = _free_port()
    command = [
        *[sys.executable, "-m", "streamlit", "run", "app.py"],
        *["--server.headless", "true", "--server.port", str(port)],
        *["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        *["--server.fileWatcherType", "none"],  # edits elsewhere in the tree must not rerun it
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            with contextlib.suppress(OSError, urllib.error.URLError):
                if _get(f"{url}/_stcore/health")[1].strip() == b"ok":
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                log_text = log_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"streamlit did not start on port {port}:\n{log_text[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    if not (ROOT / "static" / "leaflet" / "leaflet.js").is_file():
        install_leaflet(ROOT / "static" / "leaflet")
    with _serve(ROOT, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


def test_leaflet_is_served_by_the_app(app_url):
    status, body = _get(f"{app_url}/app/static/leaflet/leaflet.js")
    assert status == 200
    assert b"Leaflet 1.9" in body[:2000]  # the library, not the app's HTML page


def _wait_idle(page) -> None:
    """Wait until Streamlit has finished the current run (its status widget is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")


def test_map_and_charts_draw_offline(app_url, chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(TIMEOUT_S * 1000)
            page.on("request", lambda request: requested.append(request.url))
            page.goto(app_url)
            page.wait_for_selector(MAP_IFRAME)
            frame = page.frame_locator(MAP_IFRAME)
            frame.locator(".leaflet-container").wait_for()
            villages = frame.locator("path.ovop-village")
            villages.first.wait_for()
            page.wait_for_timeout(500)  # let Leaflet finish adding the layer
            assert villages.count() == 6
            # Candidate sentra for rengginang: every village with a firm (all six make it).
            candidates = frame.locator("path.ovop-candidate").count()
            assert 3 <= candidates <= 6
            # The chosen product's sentra clusters (rengginang: one cluster of touching villages).
            clusters = frame.locator("path.ovop-cluster").count()
            assert clusters >= 1
            assert frame.locator("path.leaflet-interactive").count() == 6 + candidates + clusters
            names = _village_names()
            villages.nth(0).hover(force=True)
            tooltip = frame.locator(".leaflet-tooltip")
            tooltip.first.wait_for()
            text = tooltip.first.inner_text()
            assert any(name in text for name in names), text
            legend = frame.locator(".ovop-map-control").first
            assert "Skor calon sentra (0-100): rengginang" in legend.inner_text()
            # Overlays are off at first, and so is their legend; the layer box is a button
            # until pointed at. Switching land use on draws its polygons and its legend.
            assert "Penggunaan lahan (data ilustratif)" not in legend.inner_text()
            assert frame.locator("path.ovop-layer").count() == 0
            control = frame.locator(".leaflet-control-layers")
            assert not control.get_by_text("Penggunaan lahan (data ilustratif)").is_visible()
            control.hover()
            control.get_by_text("Penggunaan lahan (data ilustratif)").first.click()
            frame.locator("path.ovop-layer").first.wait_for()
            assert frame.locator("path.ovop-layer").count() >= 7  # 7 land-use classes
            page.wait_for_timeout(300)
            assert "Penggunaan lahan (data ilustratif)" in legend.inner_text()
            # The legend folds to its titles on a click.
            legend.locator("summary").first.click()
            assert legend.locator("details").first.get_attribute("open") is None
            page.screenshot(path=str(tmp_path / "map.png"), full_page=True)

            page.get_by_role("tab", name="Bandingkan desa").click()
            # The charts of this tab (a chart of fixed size in another tab draws there too).
            charts = page.get_by_role("tabpanel", name="Bandingkan desa").locator(
                '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks'
            )
            charts.first.wait_for()
            page.wait_for_timeout(500)
            assert charts.count() == 3
            page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
        finally:
            browser.close()
    hosts = {urlparse(u).hostname for u in requested if urlparse(u).scheme in {"http", "https"}}
    assert hosts == {"127.0.0.1"}, sorted(hosts)


# ---------------------------------------------------------------- every visitor gets a map
class _Visit:
    """One browser context (a session of its own) with its JavaScript errors collected."""

    def __init__(self, browser, name: str):
        self.name = name
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_S * 1000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"{name}: {exc}"))
        self.page.on(
            "console",
            lambda msg: msg.type == "error" and self.errors.append(f"{name}: console: {msg.text}"),
        )

    def villages_drawn(self, expected: int, tmp_path: Path, shot: str) -> int:
        """Wait for the map to draw ``expected`` villages; return how many paths it shows."""
        self.page.wait_for_selector(MAP_IFRAME, state="attached")
        _wait_idle(self.page)  # a rerun may still show the previous map beside the new one
        villages = self.page.frame_locator(MAP_IFRAME).last.locator("path.ovop-village")
        with contextlib.suppress(PlaywrightTimeout):  # report the count and a screenshot
            villages.nth(expected - 1).wait_for(timeout=TIMEOUT_S * 1000)
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(tmp_path / f"{shot}.png"))
        return villages.count()

    def close(self) -> None:
        self.context.close()


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar select box labelled ``label``."""
    page.get_by_label(label).first.click()
    page.get_by_role("option", name=option).first.click()
    _wait_idle(page)


def test_every_session_and_reload_draws_the_map(app_url, chromium, tmp_path):
    """Sessions one after another and at once, reloads, other language and region."""
    from playwright.sync_api import sync_playwright

    province = 2130
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        visits: list[_Visit] = []
        try:
            # Three sessions one after another against one server.
            for i in range(3):
                visit = _Visit(browser, f"sequential-{i}")
                visits.append(visit)
                visit.page.goto(app_url)
                assert visit.villages_drawn(6, tmp_path, f"sequential-{i}") == 6, visit.name
            # A reload of the last one, then two sessions opened at once.
            visits[-1].page.reload()
            assert visits[-1].villages_drawn(6, tmp_path, "reload") == 6
            both = [_Visit(browser, f"concurrent-{i}") for i in range(2)]
            visits += both
            for visit in both:
                visit.page.goto(app_url)
            for visit in both:
                assert visit.villages_drawn(6, tmp_path, visit.name) == 6, visit.name
            # The other language, and back: the map is drawn each time.
            page = visits[0].page
            page.get_by_text("English", exact=True).click()
            _wait_idle(page)
            assert visits[0].villages_drawn(6, tmp_path, "english") == 6
            page.get_by_text("Bahasa Indonesia", exact=True).click()
            _wait_idle(page)
            assert visits[0].villages_drawn(6, tmp_path, "indonesian-again") == 6
            # The province in one session, Rasau Jaya still in another.
            _choose(page, "Wilayah", "Provinsi Kalimantan Barat")
            assert visits[0].villages_drawn(province, tmp_path, "province") == province
            visits[1].page.reload()
            assert visits[1].villages_drawn(6, tmp_path, "reload-other") == 6
            _choose(page, "Wilayah", "Kecamatan Rasau Jaya, Kabupaten Kubu Raya, Kalimantan Barat")
            assert visits[0].villages_drawn(6, tmp_path, "back-to-rasau-jaya") == 6
        finally:
            errors = [e for v in visits for e in v.errors]
            for visit in visits:
                visit.close()
            browser.close()
    assert errors == [], errors


def test_streamlit_run_without_the_makefile_draws_the_map(chromium, tmp_path):
    """A fresh checkout after ``pip install -e .[app]``: no static/leaflet until the app runs."""
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "checkout"
    folder.mkdir()
    shutil.copy(ROOT / "app.py", folder / "app.py")
    shutil.copytree(ROOT / ".streamlit", folder / ".streamlit")
    assert not (folder / "static").exists()
    with _serve(folder, tmp_path / "streamlit.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            visit = _Visit(browser, "plain-streamlit-run")
            visit.page.goto(url)
            assert visit.villages_drawn(6, tmp_path, "plain-streamlit-run") == 6
            assert visit.errors == []
        finally:
            browser.close()
    assert (folder / "static" / "leaflet" / "leaflet.js").is_file()


def test_language_change_keeps_the_choices_shown(app_url, chromium, tmp_path):
    """The browser shows the same choices, now written in English (it keeps a choice by its
    label, so the app hands each one back after a language change)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            visit = _Visit(browser, "language")
            page = visit.page
            page.goto(app_url)
            assert visit.villages_drawn(6, tmp_path, "language-id") == 6
            page.get_by_text("English", exact=True).click()
            _wait_idle(page)
            assert visit.villages_drawn(6, tmp_path, "language-en") == 6
            sidebar = page.locator('[data-testid="stSidebar"]')
            assert sidebar.get_by_role("radio", name="Sliders").is_checked()
            assert sidebar.get_by_role("radio", name="None (works offline)").is_checked()
            indicator = page.locator('[data-testid="stSelectbox"]').filter(has_text="Indicator")
            box = indicator.first.locator("input")
            shown = box.input_value() or box.get_attribute("placeholder") or ""
            shown += indicator.first.inner_text()
            assert "Sentra score (0-100)" in shown, shown
            assert visit.errors == []
        finally:
            browser.close()


def test_click_or_search_opens_the_village_profile(app_url, chromium, tmp_path):
    """A click on a village opens its profile beside the map; the search zooms to another."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            visit = _Visit(browser, "profile")
            page = visit.page
            page.goto(app_url)
            assert visit.villages_drawn(6, tmp_path, "profile-start") == 6
            assert page.get_by_text("Klik desa di peta atau cari namanya").first.is_visible()
            frame = page.frame_locator(MAP_IFRAME).last
            village = frame.locator("path.ovop-village").first
            village.hover(force=True)
            name = frame.locator(".leaflet-tooltip").first.inner_text().split("\n")[0]
            assert name in _village_names()
            village.click(force=True)
            _wait_idle(page)
            heading = page.locator("h4").filter(has_text=name)
            heading.first.wait_for()
            assert page.get_by_text("Calon produk", exact=True).first.is_visible()
            page.screenshot(path=str(tmp_path / "profile-click.png"))
            # The search: another village, outlined on the map, its profile shown.
            page.get_by_label("Cari desa (nama atau kode)").first.click()
            page.get_by_role("option", name="Bintang Mas (61.12.07.2005) · Rasau Jaya").click()
            _wait_idle(page)
            page.locator("h4").filter(has_text="Bintang Mas").first.wait_for()
            frame.locator('path[stroke="#e7298a"]').first.wait_for(state="attached")
            page.screenshot(path=str(tmp_path / "profile-search.png"))
            assert visit.errors == []
        finally:
            browser.close()
