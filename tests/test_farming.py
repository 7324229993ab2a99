"""Tests of ovop_geo.farming with hand-checked numbers and the paper's kecamatan figures."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ovop_geo.capacity import alpha_class, carrying_capacity, population_by_village
from ovop_geo.errors import InputDataError, ParameterError
from ovop_geo.farming import (
    FarmingParams,
    GrowthScenario,
    cropping_intensity,
    disaggregate_harvest,
    food_first,
    food_need,
    growth_scenarios,
    land_availability,
    land_balance,
    production,
    raw_material_demand,
    raw_material_table,
    scenarios_from_table,
)

DATA = Path(__file__).resolve().parents[1] / "data"
KEY = ["village_code", "crop_id"]


def _suitable(rows):
    """(village, crop, suitable_ha) tuples -> suitability-like frame."""
    df = pd.DataFrame(rows, columns=[*KEY, "suitable_ha"]).set_index(KEY)
    df["illustrative"] = True
    return df


# ----------------------------------------------------------------------- production
def test_production_on_the_papers_kecamatan_totals():
    harvest = pd.read_csv(DATA / "paper" / "harvest_kecamatan.csv")
    out = production(harvest, source="harvest_kecamatan.csv")
    assert out.index.name == "crop_id"
    # paper: padi 2,709 ha x 23.06 ku/ha; jagung 246.52 x 18.29; ubi kayu 991 x 127.25
    assert out.loc["padi", "yield_t_ha"] == pytest.approx(2.306)
    assert out.loc["padi", "production_t"] == pytest.approx(6247.0, abs=0.05)
    assert out.loc["jagung", "production_t"] == pytest.approx(450.9, abs=0.05)
    assert out.loc["ubi_kayu", "production_t"] == pytest.approx(12610.5, abs=0.05)
    assert not out["estimated"].any()
    assert out["source"].str.startswith("paper").all()


def test_production_per_village_with_units_per_row():
    harvest = pd.DataFrame(
        {
            "village_code": ["A", "A", "B"],
            "crop_id": ["padi", "jagung", "padi"],
            "harvest_area_ha": [10.0, 2.0, 4.0],
            "yield": [25.0, 1800.0, 3.0],
            "yield_unit": ["ku/ha", "kg/ha", "t/ha"],
        }
    )
    out = production(harvest)
    assert list(out.index.names) == KEY
    np.testing.assert_allclose(out["production_t"], [25.0, 3.6, 12.0])


def test_production_reports_every_problem_at_once():
    harvest = pd.DataFrame(
        {
            "crop_id": ["padi", "jagung"],
            "harvest_area_ha": [-5.0, 2.0],
            "yield": [23.0, 18.0],
            "yield_unit": ["ku/ha", "bushel/acre"],
        }
    )
    with pytest.raises(InputDataError, match=r"h\.csv: 2 problems") as info:
        production(harvest, source="h.csv")
    text = str(info.value)
    assert "column 'harvest_area_ha': negative values. Rows: padi" in text
    assert "unknown yield unit bushel/acre" in text


def test_production_negative_area_message():
    harvest = pd.DataFrame({"crop_id": ["padi"], "harvest_area_ha": [-1.0], "yield_t_ha": [2.0]})
    with pytest.raises(InputDataError, match=r"'harvest_area_ha': negative values\. Rows: padi"):
        production(harvest, source="h.csv")


def test_production_unknown_unit_message():
    harvest = pd.DataFrame(
        {"crop_id": ["padi"], "harvest_area_ha": [1.0], "yield": [2.0], "yield_unit": ["q/ac"]}
    )
    with pytest.raises(InputDataError, match=r"unknown yield unit q/ac.*Accepted units"):
        production(harvest)


def test_production_mixed_levels_refused():
    harvest = pd.DataFrame(
        {
            "village_code": ["A", ""],
            "crop_id": ["padi", "padi"],
            "harvest_area_ha": [1.0, 2.0],
            "yield_t_ha": [2.0, 2.0],
        }
    )
    with pytest.raises(InputDataError, match=r"region totals.*Put them in separate tables"):
        production(harvest)


# ----------------------------------------------------------------------- disaggregation
def test_disaggregate_in_proportion_to_suitable_land():
    totals = pd.DataFrame(
        {"harvest_area_ha": [100.0], "yield_t_ha": [2.5]}, index=pd.Index(["padi"], name="crop_id")
    )
    suitable = _suitable([("A", "padi", 200.0), ("B", "padi", 100.0), ("C", "padi", 100.0)])
    out = disaggregate_harvest(totals, suitable)
    np.testing.assert_allclose(out["harvest_area_ha"], [50.0, 25.0, 25.0])
    np.testing.assert_allclose(out["production_t"], [125.0, 62.5, 62.5])
    assert out["estimated"].all()
    assert out["illustrative"].all()
    assert not out["exceeds_suitable"].any()
    assert out.loc[("A", "padi"), "share_suitable_harvested"] == pytest.approx(0.25)


def test_disaggregated_bundled_totals_add_back_up_exactly():
    totals = production(pd.read_csv(DATA / "paper" / "harvest_kecamatan.csv"))
    weights = [1 / 3, np.pi, np.e, 1e-7, 0.0, 1234.5678]
    rows = [
        (f"V{i}", crop, w * (k + 1))
        for k, crop in enumerate(["padi", "jagung", "ubi_kayu"])
        for i, w in enumerate(weights)
    ]
    suitable = _suitable(rows)
    before = (totals.copy(), suitable.copy())
    out = disaggregate_harvest(totals, suitable)
    pd.testing.assert_frame_equal(totals, before[0])  # inputs are not modified
    pd.testing.assert_frame_equal(suitable, before[1])
    assert out["source"].str.endswith("(spread over villages by suitable land)").all()
    sums = out.groupby(level="crop_id")["harvest_area_ha"].sum()
    for crop in totals.index:
        assert np.isclose(sums[crop], totals.loc[crop, "harvest_area_ha"], rtol=1e-9, atol=0)
    assert out.loc[("V4", "padi"), "harvest_area_ha"] == 0.0
    prod = out.groupby(level="crop_id")["production_t"].sum()
    assert prod["padi"] == pytest.approx(6247.0, abs=0.05)


def test_disaggregate_flags_harvest_beyond_suitable_land_without_clipping(caplog):
    totals = pd.DataFrame({"crop_id": ["jagung"], "harvest_area_ha": [150.0], "yield_t_ha": [1.8]})
    suitable = _suitable([("A", "jagung", 50.0), ("B", "jagung", 50.0)])
    out = disaggregate_harvest(totals, suitable)
    np.testing.assert_allclose(out["harvest_area_ha"], [75.0, 75.0])
    assert out["exceeds_suitable"].all()
    assert out["share_suitable_harvested"].tolist() == pytest.approx([1.5, 1.5])
    assert "exceeds suitable land" in caplog.text


def test_disaggregate_zero_suitable_land_everywhere():
    totals = pd.DataFrame({"crop_id": ["padi"], "harvest_area_ha": [10.0], "yield_t_ha": [2.0]})
    with pytest.raises(InputDataError, match=r"crop 'padi' has no suitable land in any village"):
        disaggregate_harvest(totals, _suitable([("A", "padi", 0.0), ("B", "padi", 0.0)]))


def test_disaggregate_crop_without_suitability():
    totals = pd.DataFrame({"crop_id": ["kedelai"], "harvest_area_ha": [10.0], "yield_t_ha": [1.0]})
    with pytest.raises(InputDataError, match=r"crop 'kedelai' has no suitable-land figures"):
        disaggregate_harvest(totals, _suitable([("A", "padi", 5.0)]))


# ----------------------------------------------------------------------- raw materials
@pytest.fixture
def raw_materials():
    return pd.read_csv(DATA / "paper" / "raw_materials.csv")


def test_raw_material_demand_by_hand(raw_materials):
    businesses = pd.DataFrame(
        {
            "rengginang": [3, 0],
            "kerupuk": [2, 0],
            "marning": [0, 1],
            "kerajinan": [5, 0],
            "minuman": [0, 2],
        },
        index=pd.Index(["A", "B"], name="village_code"),
    )
    out = raw_material_demand(businesses, raw_materials)
    assert list(out.index.names) == KEY
    assert len(out) == 2 * 3  # every village x every crop of the table
    # 3 rengginang firms x 6 t beras ketan; 1 t dry milled paddy gives 0.6402 t beras (BPS 2018)
    assert out.loc[("A", "padi"), "demand_processed_t_yr"] == pytest.approx(18.0)
    assert out.loc[("A", "padi"), "demand_t_yr"] == pytest.approx(18.0 / 0.6402)
    # 2 kerupuk firms x 12 t tapioca; fresh roots give 22 % starch: 24 / 0.22 = 109.09 t roots
    assert out.loc[("A", "ubi_kayu"), "demand_t_yr"] == pytest.approx(109.0909, abs=1e-4)
    assert out.loc[("A", "jagung"), "demand_t_yr"] == 0.0
    assert out.loc[("B", "jagung"), "demand_t_yr"] == pytest.approx(7.2)  # shelled maize as is
    assert out.loc[("B", "padi"), "demand_t_yr"] == 0.0  # drinks need no crop
    assert out.loc[("A", "padi"), "source"] == "assumption"
    # Every input rate is an assumption, kerupuk's too (its note always said so).
    assert out.loc[("A", "ubi_kayu"), "source"] == "assumption"
    assert out.loc[("A", "ubi_kayu"), "assumed"] and out.loc[("A", "padi"), "assumed"]
    assert out.loc[("A", "jagung"), "source"] == ""
    assert not out.loc[("A", "jagung"), "assumed"]


def test_raw_material_table_flags_and_conversions(raw_materials):
    table = raw_material_table(raw_materials).set_index("product")
    assert (table["rate_source"] == "assumption").all()
    assert table.loc["kerupuk", "processed_input"].startswith("tepung tapioka")
    assert table.loc["rengginang", "processed_input"].startswith("beras ketan")
    assert table.loc["rengginang", "conversion_source"].startswith("BPS")
    assert table["assumed"].all()
    # Land needed per firm rises by 1 / 0.6402 = 1.56 for rice products, 1 / 0.22 = 4.5 for
    # starch products, against the old table that counted the rate as harvested crop.
    assert 1 / table.loc["dodol", "processed_t_per_harvested_t"] == pytest.approx(1.562, abs=1e-3)
    assert 1 / table.loc["kerupuk", "processed_t_per_harvested_t"] == pytest.approx(4.545, abs=1e-3)


def test_raw_material_table_old_layout_and_bad_conversion():
    old = pd.DataFrame(
        {
            "product": ["x"],
            "crop_id": ["padi"],
            "input_t_per_business_yr": [2.0],
            "source": ["paper"],
        }
    )
    table = raw_material_table(old)
    assert table.loc[0, "processed_t_per_harvested_t"] == 1.0 and not table.loc[0, "assumed"]
    bad = raw_material_table(old).drop(columns="assumed")
    bad.loc[0, "processed_t_per_harvested_t"] = 0.0
    bad.loc[0, "conversion_source"] = ""
    with pytest.raises(InputDataError, match=r"rm\.csv: 2 problems") as info:
        raw_material_table(bad, source="rm.csv")
    assert "values must be above 0" in str(info.value)
    assert "column 'conversion_source': empty cells. Rows: x/padi" in str(info.value)


def test_raw_material_demand_on_table3(raw_materials):
    t3 = pd.read_csv(DATA / "paper" / "table3_businesses.csv")
    businesses = t3.pivot_table(
        index="village_name", columns="product", values="businesses", aggfunc="sum"
    )
    businesses.index.name = "village_code"
    out = raw_material_demand(businesses, raw_materials)
    total = out.groupby(level="crop_id")[["demand_processed_t_yr", "demand_t_yr"]].sum()
    # processed: padi 12 rengginang x 6 + 2 kue x 2.4 + 2 dodol x 2.4 = 81.6 t of rice products;
    # jagung 2 marning x 7.2 = 14.4 t; ubi kayu 16 kerupuk x 12 + 2 torratello x 4.8 = 201.6 t
    # tapioca plus 7 keripik x 9.6 = 67.2 t fresh roots.
    assert total.loc["padi", "demand_processed_t_yr"] == pytest.approx(81.6)
    assert total.loc["ubi_kayu", "demand_processed_t_yr"] == pytest.approx(268.8)
    # harvested: padi 81.6 / 0.6402 = 127.46 t GKG; ubi kayu 201.6 / 0.22 + 67.2 = 983.56 t
    assert total.loc["padi", "demand_t_yr"] == pytest.approx(127.460, abs=1e-3)
    assert total.loc["jagung", "demand_t_yr"] == pytest.approx(14.4)
    assert total.loc["ubi_kayu", "demand_t_yr"] == pytest.approx(983.564, abs=1e-3)
    assert out.loc[("Rasau Jaya I", "ubi_kayu"), "source"] == "assumption"


def test_raw_material_demand_bad_counts(raw_materials):
    businesses = pd.DataFrame({"kerupuk": [2, -1, 1.5]}, index=["A", "B", "C"])
    with pytest.raises(
        InputDataError, match=r"t3\.csv: column 'kerupuk': business counts must be whole numbers"
    ):
        raw_material_demand(businesses, raw_materials, businesses_source="t3.csv")


# ----------------------------------------------------------------------- land availability
@pytest.fixture
def land_inputs():
    suitable = _suitable([("A", "padi", 20.0), ("B", "padi", 5.0), ("C", "padi", 8.0)])
    harvest = pd.DataFrame(
        {
            "village_code": ["A", "B", "C"],
            "crop_id": ["padi"] * 3,
            "harvest_area_ha": [8.0, 6.0, 0.0],
            "yield_t_ha": [2.0, 2.0, 2.0],
            "estimated": ["true", "True", "1"],  # as read from a CSV without parsing
        }
    ).pipe(production)
    demand = pd.DataFrame(
        {
            "village_code": ["A", "B", "C"],
            "crop_id": ["padi"] * 3,
            "demand_t_yr": [4.0, 0.0, 0.0],
            "source": ["assumption", "", ""],
        }
    ).set_index(KEY)
    return suitable, harvest, demand


def test_land_availability_by_hand(land_inputs):
    out = land_availability(*land_inputs)
    a, b, c = (out.loc[(v, "padi")] for v in "ABC")
    # One crop, no village land given: unused = suitable - harvested (intensity 1)
    assert a["available_ha"] == pytest.approx(12.0)
    assert a["production_t"] == pytest.approx(16.0)
    assert a["land_needed_ha"] == pytest.approx(2.0)  # 4 t / 2 t/ha
    assert a["supply_ratio"] == pytest.approx(4.0)
    assert b["available_ha"] == 0.0  # harvested beyond suitable: nothing left to allocate
    assert b["supply_ratio"] == np.inf  # production without demand
    assert np.isnan(c["supply_ratio"])  # neither production nor demand
    assert c["land_needed_ha"] == 0.0
    assert out["estimated"].all() and out["illustrative"].all()
    assert a["demand_source"] == "assumption"


@pytest.fixture
def two_crops():
    suitable = _suitable(
        [("A", "padi", 100.0), ("A", "jagung", 80.0), ("B", "padi", 10.0), ("B", "jagung", 10.0)]
    )
    harvest = pd.DataFrame(
        {
            "village_code": ["A", "A", "B"],
            "crop_id": ["padi", "jagung", "padi"],
            "harvest_area_ha": [60.0, 15.0, 24.0],
            "yield_t_ha": [2.0, 1.5, 2.0],
        }
    ).pipe(production)
    village_land = pd.DataFrame(
        {
            "area_ha": [200.0, 50.0],
            "farmland_ha": [150.0, 15.0],
            "farmland_suitable_ha": [120.0, 12.0],
            "farmland_idle_ha": [30.0, 0.0],
            "illustrative": True,
        },
        index=pd.Index(["A", "B"], name="village_code"),
    )
    intensity = pd.Series({"padi": 1.2, "jagung": 1.5})
    return suitable, harvest, village_land, intensity


def test_one_physical_land_balance_by_hand(two_crops):
    suitable, harvest, village_land, intensity = two_crops
    out = land_availability(
        suitable, harvest, _empty_demand(), village_land=village_land, intensity=intensity
    )
    a = out.xs("A", level="village_code")
    # In use: padi 60 ha harvested / 1.2 = 50 ha; jagung 15 / 1.5 = 10 ha; 60 ha in all.
    assert a.loc["padi", "in_use_ha"] == pytest.approx(50.0)
    assert a.loc["jagung", "in_use_ha"] == pytest.approx(10.0)
    # Unused suitable land U = 120 (suitable for at least one crop) - 60 = 60 ha.
    # Bounds: padi min(100 - 50, 60) = 50; jagung min(80 - 10, 60) = 60 (not additive: 110).
    assert a.loc["padi", "unused_suitable_ha"] == pytest.approx(50.0)
    assert a.loc["jagung", "unused_suitable_ha"] == pytest.approx(60.0)
    # One allocation of the 60 ha in proportion to the bounds: 60 x 50/110 and 60 x 60/110.
    assert a.loc["padi", "available_ha"] == pytest.approx(27.272727, abs=1e-6)
    assert a.loc["jagung", "available_ha"] == pytest.approx(32.727273, abs=1e-6)
    assert a["available_ha"].sum() == pytest.approx(60.0)
    # B: padi 24 / 1.2 = 20 ha in use on 12 ha of suitable land: nothing to allocate.
    assert out.xs("B", level="village_code")["available_ha"].sum() == 0.0
    balance = land_balance(village_land, out)
    assert balance.loc[
        "A", ["land_used_ha", "land_unused_ha", "land_unsuitable_ha"]
    ].tolist() == pytest.approx([60.0, 60.0, 80.0])  # 200 ha = 60 used + 60 unused + 80 other
    assert balance.loc[
        "B", ["land_used_ha", "land_unused_ha", "land_unsuitable_ha", "land_overused_ha"]
    ].tolist() == pytest.approx([20.0, 0.0, 30.0, 8.0])
    parts = balance[["land_used_ha", "land_unused_ha", "land_unsuitable_ha"]].sum(axis=1)
    np.testing.assert_allclose(parts, balance["area_ha"])


def test_cropping_intensity_from_the_crops_table():
    crops = pd.read_csv(DATA / "params" / "crops.csv")
    ci = cropping_intensity(crops, ["padi", "jagung", "ubi_kayu", "kedelai"])
    assert ci.to_dict() == {"padi": 1.2, "jagung": 1.5, "ubi_kayu": 1.0, "kedelai": 1.0}
    assert crops["cropping_intensity_source"].str.startswith("assumption").all()
    with pytest.raises(InputDataError, match=r"'cropping_intensity' must be above 0.*padi"):
        cropping_intensity(crops.assign(cropping_intensity=0.0), ["padi"])


def _empty_demand():
    index = pd.MultiIndex.from_arrays([[], []], names=KEY)
    return pd.DataFrame({"demand_t_yr": pd.Series(dtype=float)}, index=index)


def test_land_availability_wrong_index(land_inputs):
    suitable, harvest, demand = land_inputs
    with pytest.raises(InputDataError, match=r"raw-material demand table: expected an index"):
        land_availability(suitable, harvest, demand.reset_index())


# ----------------------------------------------------------------------- food first
def test_food_need_and_food_first_by_hand():
    crops = pd.read_csv(DATA / "params" / "crops.csv")
    pop = pd.Series({"A": 1000.0, "B": 10.0})
    food = food_need(pop, crops, ["padi", "jagung"])
    # 1,000 persons x 81.23 kg beras / 0.6402 t beras per t paddy = 126.88 t paddy a year
    assert food.loc[("A", "padi"), "food_need_t_yr"] == pytest.approx(81.23 / 0.6402, abs=1e-9)
    assert food.loc[("A", "jagung"), "food_need_t_yr"] == 0.0  # not counted (assumption)
    land = pd.DataFrame(
        {"production_t": [200.0, 100.0, 1.0], "demand_t_yr": [50.0, 10.0, 0.0]},
        index=pd.MultiIndex.from_tuples([("A", "padi"), ("A", "jagung"), ("B", "padi")], names=KEY),
    )
    out = food_first(land, food)
    a = out.loc[("A", "padi")]
    # left after food = 200 - 126.882 = 73.118 t >= 50 t of raw material: nothing binds
    assert a["left_after_food_t_yr"] == pytest.approx(200 - 126.8822, abs=1e-3)
    assert a["food_first_binding"] == "none"
    # B: 10 persons need 1.2688 t, more than the 1 t produced: food binds
    assert out.loc[("B", "padi"), "food_first_binding"] == "food_need"
    tight = food_first(land.assign(demand_t_yr=[80.0, 10.0, 0.0]), food)
    assert tight.loc[("A", "padi"), "food_first_binding"] == "raw_material_need"


# ----------------------------------------------------------------------- growth
def _growth_table():
    return pd.DataFrame(
        {
            "production_t": [100.0, 100.0, 5.0],
            "available_ha": [10.0, 10.0, 1.0],
            "yield_t_ha": [2.0, 2.0, 2.0],
            "demand_t_yr": [10.0, 10.0, 0.0],
            "food_need_t_yr": [50.0, 130.0, 0.0],
        },
        index=pd.MultiIndex.from_tuples([("A", "padi"), ("B", "padi"), ("C", "padi")], names=KEY),
    )


def test_growth_scenarios_from_today_by_hand():
    scenarios = (GrowthScenario("low", 0.0, "test"), GrowthScenario("central", 30.0, "test"))
    out = growth_scenarios(
        _growth_table(), scenarios, start_year=2026, population_growth_pct_yr=0.0, horizon_years=30
    )
    a, b, c = (out.loc[(v, "padi")] for v in "ABC")
    # A holds 100 t + 10 ha x 2 t/ha = 120 t; food 50 t; raw material 10 x 1.3^t:
    # 50 + 10 x 1.3^t > 120 when 1.3^t > 7, t > ln 7 / ln 1.3 = 7.42, so t = 8: 2034.
    assert a["year_land_short_central"] == 2034 and a["year_land_short"] == 2034
    assert pd.isna(a["year_land_short_low"])  # 50 + 10 <= 120 for ever at 0 % growth
    assert a["land_for_raw_materials_ha"] == pytest.approx(35.0)  # (120 - 50) / 2
    assert a["land_needed_10y_ha"] == pytest.approx(10 * 1.3**10 / 2)
    # B: food alone (130 t) exceeds what the land holds (120 t): short now, in the start year
    assert b["year_land_short"] == 2026 and b["land_short_now"]
    assert pd.isna(c["year_land_short"])
    # Never a year before the start, whatever the data year.
    assert (out["year_land_short_central"].dropna() >= 2026).all()


def test_population_growth_moves_the_year():
    scenarios = (GrowthScenario("central", 0.0, "test"),)
    out = growth_scenarios(
        _growth_table().iloc[:1],
        scenarios,
        start_year=2026,
        population_growth_pct_yr=10.0,
        horizon_years=30,
    )
    # 50 x 1.1^t + 10 > 120 when 1.1^t > 2.2, t > 8.27, so t = 9: 2035
    assert out.iloc[0]["year_land_short"] == 2035


def test_growth_scenarios_from_the_table():
    table = pd.read_csv(DATA / "params" / "growth_scenarios.csv")
    scenarios = scenarios_from_table(table)
    assert [(s.name, s.growth_rate_pct_yr) for s in scenarios] == [
        ("low", 2.35),
        ("central", 10.0),
        ("high", 30.0),
    ]
    assert scenarios[0].source.startswith("paper Table 2")
    assert scenarios[1].source.startswith("assumption")
    assert "not a trend" in scenarios[2].source
    user = scenarios_from_table(table, central_pct_yr=15.0)
    assert [s.growth_rate_pct_yr for s in user] == [2.35, 15.0, 30.0]
    assert user[1].source == "set by the user"
    with pytest.raises(ParameterError, match=r"growth_rate_pct_yr must be a number above -100"):
        GrowthScenario("x", -100.0, "test")


def test_farming_params_frozen_and_checked():
    params = FarmingParams()
    assert params.growth_rate_pct_yr == 10.0 and params.base_year == 2013
    assert params.population_growth_pct_yr == 2.35  # paper Table 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.base_year = 2020  # type: ignore[misc]
    with pytest.raises(ParameterError, match=r"persons_per_household must be above 0"):
        FarmingParams(persons_per_household=0)


# ----------------------------------------------------------------------- carrying capacity
def test_carrying_capacity_by_hand():
    prod = pd.DataFrame(
        {
            "village_code": ["X", "X", "Y"],
            "crop_id": ["padi", "jagung", "jagung"],
            "harvest_area_ha": [5.0, 2.0, 1.0],
            "yield_t_ha": [2.0, 2.0, 2.0],
        }
    ).pipe(production)
    prices = pd.DataFrame(
        {"crop_id": ["padi", "jagung", "beras"], "price_idr_per_kg": [5000, 2500, 10000]}
    )
    pop = pd.Series({"X": 10.0, "Y": 20.0})
    cc = carrying_capacity(
        prod, prices, pop, milled_rice_t_per_paddy_t=0.5, conversion_source="test"
    )
    x, y = cc.by_village.loc["X"], cc.by_village.loc["Y"]
    # beras productivity Ptv_b = 2 t paddy/ha x 0.5 = 1 t beras/ha
    # X: beras-eq = (10 t x 5000 + 4 t x 2500) / 10000 = 6 t; SL = 6 / 1 = 6 ha;
    #    KHLL = 1 t / 1 t/ha = 1 ha; DL = 10 x 1 = 10 ha -> deficit, ratio 0.6
    assert x["rice_equivalent_t"] == pytest.approx(6.0)
    assert x["land_supply_ha"] == pytest.approx(6.0)
    assert x["land_demand_ha"] == pytest.approx(10.0)
    assert x["supply_demand_ratio"] == pytest.approx(0.6)
    assert x["status"] == "deficit"
    # alpha = (5 ha / 10 persons) / (0.265 t / 1 t/ha) = 1.887 -> class II
    assert x["alpha_index"] == pytest.approx(0.5 / 0.265)
    assert x["alpha_class"] == "II" and x["self_sufficient"]
    # Y: beras-eq = 2 x 2500 / 10000 = 0.5 t; SL = 0.5 ha; DL = 20 ha; alpha 0 -> class III
    assert y["land_supply_ha"] == pytest.approx(0.5)
    assert y["status"] == "deficit"
    assert y["alpha_index"] == 0.0 and y["alpha_class"] == "III"
    assert cc.region["land_supply_ha"] == pytest.approx(6.5)
    assert cc.region["land_demand_ha"] == pytest.approx(30.0)
    assert cc.region["alpha_index"] == pytest.approx((5 / 30) / 0.265)
    assert cc.region["beras_yield_t_ha"] == pytest.approx(1.0)
    assert "OVOP-crop variant" in cc.method  # the table does not hold every commodity
    every = carrying_capacity(
        prod, prices, pop, milled_rice_t_per_paddy_t=0.5, all_commodities=True
    )
    assert every.method == "Permen LH 17/2009"


def test_alpha_classes_at_their_bounds():
    assert alpha_class([3.0, 2.47, 2.471, 1.0, 0.999, 0.0, np.nan]).tolist() == [
        "I",
        "II",
        "I",
        "II",
        "III",
        "III",
        "",
    ]


def test_carrying_capacity_of_rasau_jaya_in_beras():
    """Paper totals, beras price and BPS milled-rice conversion, by hand.

    production: padi 2,709 x 2.306 = 6,246.954 t GKG; jagung 246.52 x 1.829 = 450.885 t;
    ubi kayu 991 x 12.725 = 12,610.475 t.
    value: 6,246.954 x 8,000 + 450.885 x 4,500 + 12,610.475 x 1,500 = 70,920,328 (t x IDR/kg)
    beras equivalent = 70,920,328 / 12,000 = 5,910.03 t
    Ptv_b = 2.306 t GKG/ha x 0.6402 = 1.47630 t beras/ha
    SL = 5,910.03 / 1.47630 = 4,003.27 ha; DL = 23,499 x 1 / 1.47630 = 15,917.5 ha
    ratio = 0.2515 (deficit); with the paddy price and paddy yield it was 0.428
    alpha = (2,709 / 23,499) / (0.265 / 1.47630) = 0.6422: class III (was 1.003 with paddy)
    """
    totals = production(pd.read_csv(DATA / "paper" / "harvest_kecamatan.csv"))
    prod = totals.assign(village_code="6112070").set_index("village_code", append=True)
    prod = prod.reorder_levels(KEY)
    prices = pd.read_csv(DATA / "params" / "prices.csv")
    crops = pd.read_csv(DATA / "params" / "crops.csv").set_index("crop_id")
    conversion = crops.loc["padi", "staple_t_per_harvested_t"]
    assert conversion == 0.6402 and crops.loc["padi", "staple_source"].startswith("BPS")
    cc = carrying_capacity(
        prod, prices, pd.Series({"6112070": 23499.0}), milled_rice_t_per_paddy_t=conversion
    )
    assert cc.region["rice_equivalent_t"] == pytest.approx(5910.03, abs=0.01)
    assert cc.region["beras_yield_t_ha"] == pytest.approx(1.476301, abs=1e-6)
    assert cc.region["land_supply_ha"] == pytest.approx(4003.27, abs=0.01)
    assert cc.region["land_demand_ha"] == pytest.approx(15917.48, abs=0.01)
    assert cc.region["supply_demand_ratio"] == pytest.approx(0.2515, abs=1e-4)
    assert cc.region["status"] == "deficit"
    assert cc.region["alpha_index"] == pytest.approx(0.6422, abs=1e-4)
    assert cc.region["alpha_class"] == "III"
    used = {p["crop_id"]: p for p in cc.parameters["prices"]}
    assert used["beras"]["price_idr_per_kg"] == 12000 and "2/2025" in used["beras"]["source"]


def test_carrying_capacity_missing_price():
    prod = pd.DataFrame(
        {"village_code": ["X"], "crop_id": ["padi"], "harvest_area_ha": [1.0], "yield_t_ha": [2.0]}
    ).pipe(production)
    prices = pd.DataFrame({"crop_id": ["jagung"], "price_idr_per_kg": [4500]})
    with pytest.raises(
        InputDataError, match=r"prices\.csv: no positive producer price for padi, beras"
    ):
        carrying_capacity(prod, prices, pd.Series({"X": 1.0}), milled_rice_t_per_paddy_t=0.64)
    with pytest.raises(ParameterError, match=r"milled_rice_t_per_paddy_t must be in \(0, 1\]"):
        carrying_capacity(prod, prices, pd.Series({"X": 1.0}), milled_rice_t_per_paddy_t=1.6)


def test_population_by_village():
    hh = pd.Series({"A": 300, "B": 100})
    pop = population_by_village(hh, region_population=1000)
    assert pop.to_dict() == {"A": 750.0, "B": 250.0}
    assert population_by_village(hh, persons_per_household=3.5)["A"] == pytest.approx(1050.0)
    with pytest.raises(ParameterError, match=r"give exactly one of region_population"):
        population_by_village(hh, region_population=1000, persons_per_household=3.5)
