"""The app in Chromium: time to the first map, a reload and a weight change (median of 3).

``python -m benchmarks app`` starts ``streamlit run app.py`` on a free port (a fresh server for
each repetition, so the first map includes preparing the region), opens it in Debian's
Chromium through playwright and measures, for Rasau Jaya (6 villages) and the province of
Kalimantan Barat (2,130 villages):

- **first map**: from asking for the region (the page address, or choosing the province) until
  every village is drawn in the map;
- **reload**: the page reloaded (a second visit: the region is prepared already);
- **weight change**: one sidebar weight moved a step, until the rerun has ended and the map is
  drawn again.

Wall-clock seconds on a shared machine: compare them with each other and over time, not as
absolute promises. Nothing here is a test.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

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
MAP_IFRAME = 'iframe[data-testid="stCustomComponentV1"]'
REGIONS = {"rasau-jaya": 6, "kalimantan-barat": 2130}
TIMEOUT_MS = 300_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(log: Path) -> Iterator[str]:
    """A fresh ``streamlit run app.py`` on a free port; stopped by its process group."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r,
            ):
                if r.read().strip() == b"ok":
                    break
            time.sleep(0.3)
        else:
            raise RuntimeError(f"streamlit did not start; see {log}")
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _idle(page) -> None:
    page.wait_for_timeout(200)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=TIMEOUT_MS)


def _drawn(page, n: int) -> None:
    """Wait until the current run has ended and the map shows ``n`` villages."""
    _idle(page)
    villages = page.frame_locator(MAP_IFRAME).last.locator("path.ovop-village")
    villages.nth(n - 1).wait_for(state="attached", timeout=TIMEOUT_MS)


def one_repetition(browser, region: str, log: Path) -> dict[str, float]:
    """First map, reload and weight change on a fresh server (seconds)."""
    n = REGIONS[region]
    out: dict[str, float] = {}
    with serve(log) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.monotonic()
        page.goto(f"{url}/?region={region}")
        _drawn(page, n)
        out["first_map_s"] = time.monotonic() - start
        start = time.monotonic()
        page.reload()
        _drawn(page, n)
        out["reload_s"] = time.monotonic() - start
        slider = page.locator('[data-testid="stSidebar"] input[type="range"]').first
        slider.focus()
        start = time.monotonic()
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(
            '[data-testid="stStatusWidget"]', state="attached", timeout=TIMEOUT_MS
        )
        _drawn(page, n)
        out["weight_change_s"] = time.monotonic() - start
        page.close()
    return out


def run(repeats: int = 3, json_path: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for region in REGIONS:
                runs = [
                    one_repetition(browser, region, Path(tmp) / f"{region}-{i}.log")
                    for i in range(repeats)
                ]
                figures[region] = {
                    key: {
                        "median_s": statistics.median(r[key] for r in runs),
                        "runs_s": [round(r[key], 2) for r in runs],
                    }
                    for key in runs[0]
                }
        finally:
            browser.close()
    print(format_report(figures))
    if json_path is not None:
        json_path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return figures


def format_report(figures: dict) -> str:
    lines = ["region              first map   reload   weight change   (median of runs, s)"]
    for region, f in figures.items():
        lines.append(
            f"{region:<18} {f['first_map_s']['median_s']:>10.1f} "
            f"{f['reload_s']['median_s']:>8.1f} {f['weight_change_s']['median_s']:>15.1f}"
            f"   runs: {f['first_map_s']['runs_s']} / {f['reload_s']['runs_s']} / "
            f"{f['weight_change_s']['runs_s']}"
        )
    return "\n".join(lines)
