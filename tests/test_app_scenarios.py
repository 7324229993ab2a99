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
    table = next(df.value for df in at.dataframe
                 if "product_free" in df.value.columns)
    assert {"product_base", "best_product_base", "changed", "why"} <= set(table.columns)
    warnings = [w.value for w in at.warning]
    # Bahasa Indonesia by default: "Lahan untuk ... tidak lagi mencukupi pada tahun ..."
    assert any("tidak lagi mencukupi pada tahun" in w and "skenario free" in w
               for w in warnings)
    # A bad file is one message, not a traceback.
    _text_area(at).set_value("[scenarios.x]\nmin_unit = 3\n")
    at.run()
    assert not at.exception
    assert any("kunci tidak dikenal min_unit" in e.value for e in at.error)  # id page
