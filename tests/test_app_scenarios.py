"""The app's scenarios section (exports tab): the TOML text compared side by side."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")

SCENARIOS = """
[scenarios.base]
sensitivity_runs = 20
start_year = 2030

[scenarios.free]
sensitivity_runs = 20
start_year = 2030
max_villages_per_product = 0
growth_rate_pct_yr = 30
"""


def _text_area(at: AppTest):
    return next(a for a in at.text_area if a.key and a.key.startswith("sc-text-"))


def test_scenarios_are_compared_in_the_app():
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    assert not any(a.key and a.key.startswith("sc-text-") for a in at.text_area)  # on demand
    at.toggle(key="sc-on").set_value(True)
    at.run()
    # The default text: the sidebar's settings and one example, which parse and run.
    assert "[scenarios.current]" in _text_area(at).value
    _text_area(at).set_value(SCENARIOS)
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = next(df.value for df in at.dataframe if "product_free" in df.value.columns)
    assert {"product_base", "best_product_base", "changed", "why"} <= set(table.columns)
    warnings = [w.value for w in at.warning]
    # Bahasa Indonesia by default: "Lahan untuk ... tidak lagi mencukupi pada tahun ..."
    assert any("tidak lagi mencukupi pada tahun" in w and "skenario free" in w for w in warnings)
    # A bad file is one message, not a traceback.
    _text_area(at).set_value("[scenarios.x]\nmin_unit = 3\n")
    at.run()
    assert not at.exception
    assert any("kunci tidak dikenal min_unit" in e.value for e in at.error)  # id page


def test_own_upload_with_households_and_partial_business_rows():
    """The upload path: a households table, and a village without business rows is no data."""
    from tests.conftest import make_squares

    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.selectbox(key="region").set_value("own")
    at.run()
    files = {
        "boundaries": ("desa.geojson", make_squares(crs="EPSG:4326").to_json().encode()),
        # Desa Tiga (A03) has no rows: unknown, not 0.
        "businesses": (
            "usaha.csv",
            b"village_code,product,businesses\nA01,kerupuk,6\nA02,kerupuk,1\nA02,dodol,2\n",
        ),
        "households": (
            "kk.csv",
            b"village_code,households,population\nA01,120,480\nA02,80,300\nA03,60,250\n",
        ),
    }
    for slot, (name, data) in files.items():
        at.file_uploader(key=f"up-{slot}").set_value((name, data, "application/octet-stream"))
    at.run()
    at.selectbox(key="col-id").set_value("kode")
    at.run()
    at.selectbox(key="col-name").set_value("nama")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    folder = at.session_state["upload_session"].folder
    manifest = (folder / "layers" / "own-data.toml").read_text(encoding="utf-8")
    assert "[statistics.households]" in manifest
    table = next(df.value for df in at.dataframe if df.value.columns[0] == "Desa")
    assert table.loc["A01", "Produk OVOP"] == "kerupuk"
    assert table.index.tolist() == ["A01", "A02"]  # Desa Tiga: no rows, no score
