"""Scenarios: named parameter sets saved to one TOML file, run side by side, compared, alerts."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from ovop_geo.cli import main
from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.pipeline import AnalysisParams, prepare_region
from ovop_geo.region import load_region
from ovop_geo.scenarios import (
    Scenario,
    compare_scenarios,
    load_scenarios,
    parse_scenarios,
    scenario_outputs,
    scenarios_text,
)

FILE = """
[scenarios.base]
description = "every village a different product"
start_year = 2030
sensitivity_runs = 50
distinct_products = true

[scenarios.free]
description = "no limit on villages per product"
start_year = 2030
sensitivity_runs = 50
max_villages_per_product = 0
distinct_products = true

[scenarios.fast]
start_year = 2030
sensitivity_runs = 50
distinct_products = true
growth_rate_pct_yr = 30
growth_scenario = "central"
[scenarios.fast.weights]
businesses = 2
households = 1
"""


@pytest.fixture(scope="module")
def prepared():
    return prepare_region(load_region("rasau-jaya"))


@pytest.fixture(scope="module")
def comparison(prepared):
    return compare_scenarios(prepared, parse_scenarios(FILE))


def test_file_round_trips():
    scenarios = parse_scenarios(FILE)
    assert [s.name for s in scenarios] == ["base", "free", "fast"]
    assert scenarios[1].params.max_villages_per_product is None  # 0 = no limit
    assert scenarios[2].params.weights == (("businesses", 2.0), ("households", 1.0))
    assert scenarios[2].params.growth_rate_pct_yr == 30.0
    assert parse_scenarios(scenarios_text(scenarios)) == scenarios


def test_every_problem_of_the_file_at_once(tmp_path):
    bad = (
        "[scenarios.a]\nmin_unit = 3\n"  # misspelt key
        "[scenarios.b]\nslope_limit_pct = 4\n"  # not an offered slope limit
        "[scenarios.c]\nmin_units = 'five'\n"  # not a number
        "[scenarios.d.weights]\nfame = 1\n"  # unknown criterion
    )
    with pytest.raises(InputDataError) as info:
        parse_scenarios(bad, source="mine.toml")
    text = str(info.value)
    assert text.startswith("mine.toml: 4 problems")
    assert "[scenarios.a]: unknown key(s) min_unit" in text
    assert "[scenarios.b]: slope limit 4 % is not offered" in text
    assert "[scenarios.c] min_units must be a whole number" in text
    assert "[scenarios.d]: unknown criteria in the weights: fame" in text
    assert "kunci tidak dikenal min_unit" in info.value.text("id")
    with pytest.raises(InputDataError, match="file not found"):
        load_scenarios(tmp_path / "none.toml")


def test_no_limit_gives_each_village_its_best_product(comparison):
    table = comparison.villages
    base = comparison.results["base"]
    # Independently of the allocation: each village's best product is the argmax of its scores.
    scores = base.scores["score"].unstack("product")
    best = scores.idxmax(axis=1)
    assert (table["product_free"] == best.reindex(table.index)).all()
    np.testing.assert_allclose(table["score_free"], scores.max(axis=1).reindex(table.index))
    # "changed" is exactly where the one-product-per-village allocation differs from the best
    # (or where the weights of "fast" moved it).
    moved_free = table["product_base"] != table["product_free"]
    moved_fast = table["product_base"] != table["product_fast"]
    assert (table["changed"] == (moved_free | moved_fast)).all()
    assert moved_free.any()
    code = table.index[moved_free.to_numpy()][0]
    why = comparison.table("en").loc[code, "why"]
    assert why.startswith(
        f"free: {table.loc[code, 'product_base']} → {table.loc[code, 'product_free']}."
    )
    assert "max_villages_per_product" in why
    assert "parameter yang berubah" in comparison.table("id").loc[code, "why"]
    params = comparison.parameters
    assert set(params.loc[params["scenario"] == "free", "parameter"]) == {
        "max_villages_per_product"
    }
    assert set(params.loc[params["scenario"] == "fast", "parameter"]) == {
        "growth_rate_pct_yr",
        "weights",
    }


def test_land_alerts_follow_the_growth_scenario(comparison):
    alerts = comparison.alerts
    # At the central 10 % (base) nothing runs short within 30 years of 2030 ...
    assert alerts[alerts["scenario"] == "base"].empty
    fast = alerts[alerts["scenario"] == "fast"].set_index("crop_id")
    assert len(fast) > 0
    # ... at 30 % a year it does: the first year t (from 2030) in which raw material x 1.3^t +
    # food x 1.0235^t (population growth, paper Table 2) exceed production + available land
    # x yield, computed here from the region's land balance.
    land = comparison.results["fast"].region_land
    for crop, row in fast.iterrows():
        r = land.loc[crop]
        t = np.arange(0, 31)
        need = r["demand_t_yr"] * 1.30**t + r["food_need_t_yr"] * 1.0235**t
        holds = r["production_t"] + r["available_ha"] * r["yield_t_ha"]
        first = int(np.flatnonzero(need > holds)[0])
        assert row["year_land_short"] == 2030 + first
        assert row["growth_rate_pct_yr"] == 30.0
    first_alert = alerts.iloc[0]["message"]
    assert first_alert.startswith("Land for ")
    assert "under scenario fast (central growth, 30.0 % a year)" in first_alert
    assert "tidak lagi mencukupi pada tahun" in first_alert.text("id")


def test_unknown_growth_scenario_and_duplicates_are_refused(prepared):
    with pytest.raises(ParameterError, match="growth_scenario 'extreme' is not a growth"):
        compare_scenarios(
            prepared, [Scenario("a", AnalysisParams(sensitivity_runs=5), growth_scenario="extreme")]
        )
    with pytest.raises(ParameterError, match="names must differ: a"):
        compare_scenarios(prepared, [Scenario("a"), Scenario("a")])


def test_exported_with_the_run_and_rerun_from_the_command_line(comparison, tmp_path, capsys):
    files = scenario_outputs(comparison, lang="en")
    assert set(files) == {
        "scenarios.csv",
        "scenario_parameters.csv",
        "scenario_alerts.csv",
        "scenarios.toml",
    }
    assert parse_scenarios(files["scenarios.toml"].decode("utf-8")) == comparison.scenarios
    table = pd.read_csv(io.BytesIO(files["scenarios.csv"]), dtype={"village_code": str})
    assert len(table) == 6 and {"product_base", "product_free", "why"} <= set(table.columns)

    path = tmp_path / "scenarios.toml"
    path.write_text(FILE, encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(
            [
                "-q",
                "scenarios",
                str(path),
                "--region",
                "rasau-jaya",
                "--out",
                str(out),
                "--lang",
                "en",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "scenarios: base, free, fast (compared with base)" in printed
    assert "alert: Land for " in printed
    for name in ("scenarios.csv", "scenario_alerts.csv", "scenarios.toml", "villages.csv"):
        assert (out / name).is_file()
    # The exported file reruns to the same comparison.
    again = tmp_path / "again"
    assert (
        main(
            [
                "-q",
                "run",
                "--region",
                "rasau-jaya",
                "--scenarios",
                str(out / "scenarios.toml"),
                "--out",
                str(again),
                "--lang",
                "en",
            ]
        )
        == 0
    )
    assert (again / "scenarios.csv").read_bytes() == (out / "scenarios.csv").read_bytes()
    assert (
        main(["-q", "run", "--scenarios", str(path), "--min-units", "3", "--out", str(again)]) == 2
    )
    assert "give the parameters in the scenario file" in capsys.readouterr().err
