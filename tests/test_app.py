"""The Streamlit app run headless with AppTest (no browser, no JavaScript)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ovop_geo.errors import InputDataError

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT_S = 120  # the province (2,130 villages) is loaded and simplified on the first run


def _run(**widgets) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()
    for key, value in widgets.items():
        widget = at.selectbox(key=key) if key == "region" else at.radio(key=key)
        widget.set_value(value)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _map_args(at: AppTest) -> dict:
    components = at.get("component_instance")
    maps = [c for c in components if c.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_starts_on_rasau_jaya_in_bahasa_indonesia():
    at = _run()
    assert at.title[0].value == "Perencanaan OVOP berbasis peta"
    assert at.radio(key="lang").value == "id"
    assert at.selectbox(key="region").value == "rasau-jaya"
    assert any(c.endswith(": 6 desa") for c in _captions(at))
    assert [w.value for w in at.warning] == ["Batas indikatif, bukan batas hukum"]
    assert any(c.startswith("Sumber batas: cahyadsn/wilayah_boundaries") for c in _captions(at))
    table = at.dataframe[0].value
    assert len(at.dataframe) == 1 and len(table) == 6
    assert list(table.columns) == ["Desa", "Kecamatan", "Rumah tangga (KK)", "Luas (ha)"]
    assert table["Rumah tangga (KK)"].sum() == 20_806  # paper Table 1


def test_map_loads_leaflet_from_the_app_only():
    args = _map_args(_run())
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert args["css_links"] == ["/app/static/leaflet/leaflet.css"]
    assert args["script"].count("bindTooltip") == 1  # one GeoJSON layer binds every tooltip
    assert "Rasau Jaya Umum" in args["script"]
    assert "Batas indikatif, bukan batas hukum" in args["script"]  # map attribution
    assert "tile.openstreetmap.org" not in args["script"]


def test_switching_language_changes_labels():
    at = _run(lang="en")
    assert at.title[0].value == "OVOP spatial planning"
    assert [w.value for w in at.warning] == ["Indicative, not legal boundaries"]
    assert any(c.endswith(": 6 villages") for c in _captions(at))
    assert "Village area" in _map_args(at)["script"]


def test_osm_base_map_adds_tiles_but_no_scripts():
    args = _map_args(_run(base_map="osm"))
    assert "tile.openstreetmap.org" in args["script"]
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]


@pytest.mark.slow
def test_starts_on_the_province():
    at = _run(region="kalimantan-barat")
    assert any(c.endswith(": 2.130 desa") for c in _captions(at))
    args = _map_args(at)
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert len(args["script"]) < 5_000_000  # simplified borders keep the page light
    # The loader repairs 4 invalid polygons and says so: the app shows its notes.
    assert any(e.label.startswith("Catatan data") for e in at.expander)


def test_user_errors_are_shown_not_raised(monkeypatch):
    import streamlit as st

    import ovop_geo.region

    def broken(region_id, **kwargs):
        raise InputDataError(f"{region_id}.toml: column 'nama': missing. Fix the manifest.")

    monkeypatch.setattr(ovop_geo.region, "load_region", broken)
    st.cache_data.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        at.run()
    finally:
        st.cache_data.clear()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "rasau-jaya.toml: column 'nama': missing. Fix the manifest."
    ]
